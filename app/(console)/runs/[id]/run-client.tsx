"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { queryKeys, useRun } from "@/components/api/queries";
import { isRunActive, type Role, type RunDetail, type RunStep } from "@/components/api/types";
import { hasRole, needsRole } from "@/components/auth/roles";
import { ApprovalPanel } from "@/components/runs/approval-panel";
import { OpenIncidentNotice } from "@/components/incidents/open-incident-notice";
import { CancelRunButton } from "@/components/runs/cancel-run-button";
import { RunBanner } from "@/components/runs/run-banner";
import { RunHeader } from "@/components/runs/run-header";
import { StepRow } from "@/components/runs/step-row";
import { useCoalescedRefetch } from "@/components/runs/use-coalesced-refetch";
import { useNow } from "@/components/runs/use-now";
import { useRunActions } from "@/components/runs/use-run-actions";
import { useRunEvents, type StepProgress } from "@/components/runs/use-run-events";
import { Card } from "@/components/ui/card";

type Props = { initialRun: RunDetail; runbook: { title: string; planSection?: string }; role: Role };

export function RunClient({ initialRun, runbook, role }: Props) {
  const runId = initialRun.id;
  const queryClient = useQueryClient();
  const { data: run = initialRun, error: refreshError } = useRun(runId, initialRun);
  const { cancel, decide } = useRunActions(runId);

  // Events say *that* something changed; GET /api/runs/{id} says what it is now.
  const refetchRun = useCoalescedRefetch(queryKeys.run(runId));
  const events = useRunEvents(runId, refetchRun);

  const isActive = isRunActive(run.status);
  useEffect(() => {
    // A finished run may have changed what the target runs and what the runbooks can offer.
    if (!isActive) {
      void queryClient.invalidateQueries({ queryKey: queryKeys.version });
      void queryClient.invalidateQueries({ queryKey: queryKeys.catalog });
    }
  }, [isActive, queryClient]);
  const now = useNow(isActive);
  const { percent, done } = runProgress(run, events.progress);
  const waitingStep = run.steps.find((s) => s.status === "waiting_approval");

  // Expanded by default: the running, waiting or failed step; a click overrides that per step.
  const [openOverride, setOpenOverride] = useState<Record<number, boolean>>({});
  const isOpen = (s: RunStep) =>
    openOverride[s.index] ?? (s.status === "running" || s.status === "failed" || s.status === "waiting_approval");
  const toggleStep = useCallback(
    (index: number, wasOpen: boolean) => setOpenOverride((o) => ({ ...o, [index]: !wasOpen })),
    [],
  );

  return (
    <main className="mx-auto flex max-w-5xl flex-col gap-4 px-4 py-5 sm:px-6">
      {run.incidentId && (
        <Link
          href={`/incidents/${run.incidentId}`}
          data-testid="run-incident-link"
          className="-mb-2 w-fit rounded text-sm text-sky-300 hover:underline focus-visible:outline-2 focus-visible:outline-sky-400"
        >
          ← The incident this run is part of
        </Link>
      )}
      <OpenIncidentNotice target={run.target} exceptId={run.incidentId} />
      <RunHeader
        run={run}
        title={runbook.title}
        planSection={runbook.planSection}
        now={now}
        percent={percent}
        doneSteps={done}
        connection={events.connection}
        actions={
          isActive && !run.isDryRun ? (
            <CancelRunButton
              runTitle={runbook.title}
              targetName={run.target}
              isPending={cancel.isPending}
              isCancelling={run.cancelRequested}
              onConfirm={() => cancel.mutate()}
              disabledReason={hasRole(role, "engineer") ? undefined : needsRole("engineer")}
            />
          ) : null
        }
      />
      {refreshError && (
        <p role="alert" className="rounded-md border border-amber-900 bg-amber-950/40 px-3 py-2 text-sm text-amber-200">
          Could not refresh this run: {refreshError.message} What is shown may be out of date.
        </p>
      )}
      {cancel.error && (
        <p role="alert" className="rounded-md border border-red-900 bg-red-950/50 px-3 py-2 text-sm text-red-200">
          Cancel failed: {cancel.error.message}
        </p>
      )}

      {!isActive && <RunBanner run={run} />}
      {run.waitingForRunner && (
        <p
          role="status"
          data-testid="run-waiting-for-runner"
          className="rounded-md border border-amber-800 bg-amber-950/50 px-3 py-2 text-sm text-amber-100"
        >
          <span className="font-semibold">Waiting for a runner on pool {run.waitingForRunner.pool}.</span> No runner of
          this pool is alive. Start one on a host that can act on target {run.target}:{" "}
          <code className="rounded bg-black/30 px-1 font-mono text-xs">
            npm run worker -- --pool {run.waitingForRunner.pool}
          </code>
          . The run starts as soon as it is up; you can cancel it meanwhile.
        </p>
      )}
      {run.isWorkerLost && !run.waitingForRunner && (
        <p
          role="status"
          data-testid="run-worker-lost"
          className="rounded-md border border-amber-800 bg-amber-950/50 px-3 py-2 text-sm text-amber-100"
        >
          <span className="font-semibold">Worker lost, resuming.</span> The worker running this run stopped answering. A
          running worker takes it over within a few seconds and carries on from the step it was on; nothing is repeated.
          If this stays, no worker is running:{" "}
          <a href="/health" className="underline">
            /health
          </a>{" "}
          says which are.
        </p>
      )}

      {waitingStep && run.status === "waiting_approval" && (
        <ApprovalPanel
          key={waitingStep.id}
          step={waitingStep}
          isPending={decide.isPending}
          pendingDecision={decide.variables?.decision}
          error={decide.error?.message}
          onDecide={(decision, comment) => decide.mutate({ decision, comment })}
          disabledReason={
            hasRole(role, "commander") ? undefined : "commander only: a commander approves or rejects this gate"
          }
        />
      )}

      <Card>
        <div className="flex items-center justify-between border-b border-zinc-800 px-4 py-2">
          <h2 className="text-sm font-semibold text-zinc-200">Steps</h2>
          <div className="flex gap-1 text-xs">
            <button
              type="button"
              className="rounded px-2 py-1 text-zinc-400 hover:bg-zinc-800 hover:text-zinc-200 focus-visible:outline-2 focus-visible:outline-sky-400"
              onClick={() => setOpenOverride(Object.fromEntries(run.steps.map((s) => [s.index, true])))}
            >
              Expand all
            </button>
            <button
              type="button"
              className="rounded px-2 py-1 text-zinc-400 hover:bg-zinc-800 hover:text-zinc-200 focus-visible:outline-2 focus-visible:outline-sky-400"
              onClick={() => setOpenOverride(Object.fromEntries(run.steps.map((s) => [s.index, false])))}
            >
              Collapse all
            </button>
          </div>
        </div>
        <ol className="flex flex-col divide-y divide-zinc-800/80">
          {run.steps.map((step) => (
            <StepRow
              key={step.id}
              step={step}
              lines={events.lines[step.index] ?? EMPTY}
              progress={events.progress[step.index]}
              isOpen={isOpen(step)}
              onToggle={toggleStep}
              now={step.startedAt && !step.finishedAt ? now : 0}
              isLoadingOutput={events.connection === "connecting"}
            />
          ))}
        </ol>
      </Card>
    </main>
  );
}

const EMPTY: never[] = [];

/** Finished steps over all steps, plus the running step's own percent when it reports one. */
function runProgress(run: RunDetail, progress: Record<number, StepProgress>) {
  const total = run.steps.length || 1;
  // Skipped steps and tolerated failures count as done while the run goes on; after a failure they were simply not run.
  const isGoingOn = isRunActive(run.status) || run.status === "succeeded";
  const done = run.steps.filter(
    (s) =>
      s.status === "succeeded" ||
      (isGoingOn && (s.status === "skipped" || (s.status === "failed" && s.spec.allowFailure))),
  ).length;
  if (run.status === "succeeded" && !run.isDryRun) return { percent: 100, done };
  const running = run.steps.find((s) => s.status === "running");
  const partial = running ? Math.min(99, progress[running.index]?.percent ?? 0) / 100 : 0;
  return { percent: ((done + partial) / total) * 100, done };
}
