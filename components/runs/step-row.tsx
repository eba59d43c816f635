"use client";

import { memo } from "react";
import type { RunStep } from "../api/types";
import { formatDuration } from "../format";
import { StepSpecText } from "../steps/step-spec";
import { cn } from "../ui/cn";
import { ChevronIcon } from "../ui/icons";
import { ProgressBar } from "../ui/progress-bar";
import { KindBadge, StepStatusIcon } from "./status";
import { StepLog } from "./step-log";
import { ComparisonTable, comparisonOf } from "../pitr/comparison";
import type { LogLine, StepProgress } from "./use-run-events";

type Props = {
  step: RunStep;
  lines: LogLine[];
  progress?: StepProgress;
  isOpen: boolean;
  /** Called with the step's index and whether it was open; stable, so rows that did not change skip rendering. */
  onToggle: (index: number, wasOpen: boolean) => void;
  /** The clock, for a step still running; only that row re-renders every second. */
  now: number;
  /** True until the event stream has connected: no lines yet does not mean no output. */
  isLoadingOutput?: boolean;
};

// Memoised: the run page's clock ticks every second, and a finished step's log need not render again.
export const StepRow = memo(function StepRow({ step, lines, progress, isOpen, onToggle, now, isLoadingOutput }: Props) {
  const isRunning = step.status === "running";
  const ms = step.startedAt
    ? (step.finishedAt ? new Date(step.finishedAt).getTime() : now) - new Date(step.startedAt).getTime()
    : null;
  const panelId = `step-panel-${step.index}`;

  return (
    <li
      data-testid={`step-${step.index}`}
      data-status={step.status}
      className={cn(
        "flex flex-col gap-2 px-3 py-2.5 sm:px-4",
        isRunning && "bg-blue-950/25",
        step.status === "failed" && "bg-red-950/25",
        step.status === "waiting_approval" && "bg-amber-950/25",
      )}
    >
      <button
        type="button"
        onClick={() => onToggle(step.index, isOpen)}
        aria-expanded={isOpen}
        aria-controls={panelId}
        className="-mx-1 flex min-w-0 items-start gap-2 rounded px-1 text-left focus-visible:outline-2 focus-visible:outline-sky-400"
      >
        <StepStatusIcon status={step.status} />
        <span className="w-6 shrink-0 pt-px text-right font-mono text-xs leading-5 text-zinc-500 tabular-nums">
          {step.index + 1}.
        </span>
        <span className="flex min-w-0 flex-1 flex-wrap items-center gap-x-2 gap-y-1">
          <span className={cn("text-sm", step.status === "pending" ? "text-zinc-400" : "text-zinc-100")}>
            {step.name}
          </span>
          <KindBadge kind={step.kind} />
          {step.attempts > 1 && <span className="text-xs text-amber-300">attempt {step.attempts}</span>}
          {step.status === "skipped" && <span className="text-xs text-zinc-500">skipped</span>}
          {step.runner && (
            <span
              data-testid="step-runner"
              className="font-mono text-xs text-zinc-500"
              title="the runner that executed it"
            >
              on {step.runner}
            </span>
          )}
        </span>
        <span className="flex shrink-0 items-center gap-2 pt-px text-xs text-zinc-500 tabular-nums">
          {!isOpen && lines.length > 0 && (
            <span className="hidden sm:inline">
              {lines.length} {lines.length === 1 ? "line" : "lines"}
            </span>
          )}
          {ms !== null && <span suppressHydrationWarning>{formatDuration(ms)}</span>}
          <ChevronIcon size={14} className={cn("transition-transform", isOpen && "rotate-90")} />
        </span>
      </button>

      <div id={panelId} className="flex flex-col gap-2 pl-7 sm:pl-[3.75rem]">
        <StepSpecText spec={step.spec} />
        {isRunning && progress && (
          <div className="flex items-center gap-2">
            <ProgressBar value={progress.percent} label={`${step.name} progress`} className="h-1.5 max-w-xs" isActive />
            <span className="text-xs text-zinc-400 tabular-nums">
              {Math.round(progress.percent)}%{progress.message ? ` · ${progress.message}` : ""}
            </span>
          </div>
        )}
        {step.error && (
          <p className="rounded-md border border-red-900/80 bg-red-950/50 px-2.5 py-1.5 font-mono text-xs break-all whitespace-pre-wrap text-red-200">
            {step.error}
          </p>
        )}
        {comparisonOf(step.result) && <ComparisonTable comparison={comparisonOf(step.result)!} />}
        <StepLog
          lines={lines}
          isOpen={isOpen}
          isLive={isRunning}
          testId={`step-output-${step.index}`}
          emptyText={
            step.status === "pending"
              ? "Not started."
              : isLoadingOutput
                ? "Loading output…"
                : isRunning
                  ? "Waiting for output…"
                  : "No output."
          }
        />
      </div>
    </li>
  );
});
