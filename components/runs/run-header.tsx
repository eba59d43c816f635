"use client";

import Link from "next/link";
import type { RunDetail } from "../api/types";
import { isRunActive } from "../api/types";
import { formatClock, formatParams } from "../format";
import { Badge } from "../ui/badge";
import { ProgressBar } from "../ui/progress-bar";
import { RunStatusBadge, runStatusTone } from "./status";
import type { Connection } from "./use-run-events";

type Props = {
  run: RunDetail;
  title: string;
  planSection?: string;
  now: number;
  percent: number;
  doneSteps: number;
  connection: Connection;
  actions?: React.ReactNode;
};

export function RunHeader({ run, title, planSection, now, percent, doneSteps, connection, actions }: Props) {
  const isActive = isRunActive(run.status);
  const from = new Date(run.startedAt ?? run.createdAt).getTime();
  const to = run.finishedAt ? new Date(run.finishedAt).getTime() : now;
  const params = formatParams(run.params);

  return (
    <header className="flex flex-col gap-3">
      <Link
        href="/"
        className="w-fit rounded text-sm text-zinc-400 hover:text-zinc-200 focus-visible:outline-2 focus-visible:outline-sky-400"
      >
        ← Runbooks
      </Link>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="flex min-w-0 flex-col gap-1.5">
          <h1 className="flex flex-wrap items-baseline gap-x-2 text-xl font-semibold text-zinc-50 sm:text-2xl">
            {title}
            {planSection && /\d/.test(planSection) && (
              <span className="font-mono text-sm font-normal text-zinc-500">§{planSection}</span>
            )}
          </h1>
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-zinc-400">
            <span>
              target <span className="font-mono text-zinc-200">{run.target}</span>
            </span>
            {params && <span className="font-mono text-zinc-300">{params}</span>}
            {run.isDryRun && <Badge tone="violet">dry run</Badge>}
            <span className="font-mono text-xs text-zinc-600" title="Run id">
              {run.id}
            </span>
          </div>
        </div>
        <div className="flex items-center gap-3">
          <RunStatusBadge status={run.status} size="lg" testId="run-status" />
          {actions}
        </div>
      </div>
      <div className="flex flex-col gap-1.5">
        <ProgressBar
          data-testid="progress-bar"
          value={percent}
          label="Run progress"
          tone={runStatusTone[run.status]}
          isActive={run.status === "running"}
          className="h-2.5"
        />
        <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-zinc-400 tabular-nums">
          <span>
            {doneSteps} of {run.steps.length} steps · {Math.round(percent)}%
          </span>
          <span className="flex items-center gap-3">
            {isActive && <ConnectionDot connection={connection} />}
            <span>
              {run.status === "queued" ? "queued " : "elapsed "}
              {/* The server's clock and the browser's differ by the time it took to load. */}
              <time
                suppressHydrationWarning
                dateTime={run.startedAt ?? run.createdAt}
                className="font-mono text-sm text-zinc-200"
              >
                {formatClock(to - from)}
              </time>
            </span>
          </span>
        </div>
      </div>
    </header>
  );
}

function ConnectionDot({ connection }: { connection: Connection }) {
  const label = { connecting: "connecting…", live: "live", reconnecting: "reconnecting…", ended: "ended" }[connection];
  const color =
    connection === "live"
      ? "bg-emerald-400"
      : connection === "reconnecting"
        ? "bg-amber-400 animate-pulse"
        : "bg-zinc-500";
  return (
    <span className="flex items-center gap-1.5" title="Live updates">
      <span aria-hidden className={`inline-block size-1.5 rounded-full ${color}`} />
      {label}
    </span>
  );
}
