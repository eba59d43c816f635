import "server-only";
import os from "node:os";
import { stepSpec, type StepSpec } from "../steps/schema";
import { killGroup } from "../steps/spawn";
import { claimRun, holdLease } from "./lease";
import { OutputWriter } from "./output-writer";
import { RunRecorder, type FinalStatus } from "./recorder";
import { runStep } from "./run-step";
import type { EngineDeps } from "./durable";

export { RunClaimedElsewhere } from "./durable";

// The engine: executes (or continues) one run, step by step, on the record. Its parts: the claim
// and its lease (lease.ts), how it writes (recorder.ts, output-writer.ts, durable.ts) and how one
// step runs (run-step.ts). Here: what to do next, from what the record says.

export type ExecuteOutcome =
  "succeeded" | "failed" | "cancelled" | "needs_attention" | "waiting_approval" | "not_claimed" | "already_finished";

export async function executeRun(
  deps: EngineDeps & { runId: string; cancelSignal: AbortSignal },
): Promise<ExecuteOutcome> {
  const { runId, workerId } = deps;

  // Claim the run: only one worker executes it, even if two jobs name it.
  const claim = await claimRun(deps, runId);
  if (claim === "finished") return "already_finished";
  if (claim === "other-pool") {
    deps.log.warn({ runId, pools: deps.pools }, "a job named a run of another pool; left for that pool's runners");
    return "not_claimed";
  }
  // Losing the lease (another worker took over after this one could not renew) stops everything here.
  const lease = holdLease(deps, runId);
  const runSignal = AbortSignal.any([deps.cancelSignal, lease.signal]);
  const out = new OutputWriter(deps, runId);
  const recorder = new RunRecorder(deps, runId, out);

  try {
    const run = await loadRun(deps, runId);
    if (run.cancelRequested) {
      for (const s of run.steps) {
        const spawned = s.result as { pid?: number; host?: string } | null;
        if (s.status === "running" && spawned?.pid && spawned.host === os.hostname()) killGroup(spawned.pid, "SIGKILL");
      }
      return await recorder.finish("cancelled", { type: "run.cancelled", data: { message: "cancelled" } }, "cancelled");
    }
    if (run.status === "queued") {
      let isStarted = true;
      await recorder.commit("start", async (tx) => {
        // Only from queued: a cancel that landed after the claim wins.
        const { count } = await tx.run.updateMany({
          where: { id: runId, status: "queued" },
          data: { status: "running", startedAt: run.startedAt ?? new Date() },
        });
        isStarted = count === 1;
        return isStarted ? [{ type: "run.started", data: { workerId, steps: run.steps.length } }] : [];
      });
      if (!isStarted) return "already_finished";
    }

    // The next step, already started by the previous step's hand-off (one statement for both).
    const handedOff: { next: { stepId: string; isCancelRequested: boolean } | null } = { next: null };
    for (const [i, step] of run.steps.entries()) {
      const spec = stepSpec.parse(step.spec) as StepSpec;
      const at = step.index;
      if (step.status === "succeeded" || step.status === "skipped") continue;
      if (step.status === "failed" && spec.allowFailure) continue;
      // Recorded as failed, but the run was not finished (the worker stopped in between): finish it, never re-run it.
      if (step.status === "failed" || step.status === "cancelled")
        return await recorder.finish(
          step.status === "failed" ? "failed" : "cancelled",
          {
            type: step.status === "failed" ? "run.failed" : "run.cancelled",
            stepIndex: at,
            data: { step: step.name, error: step.error },
          },
          `Step ${at + 1} "${step.name}" ${step.status}: ${step.error ?? ""}`,
        );

      if (step.status === "running") {
        const ended = await takeOverInterrupted(recorder, step, workerId);
        if (ended) return ended;
      }

      if (spec.kind === "approval-gate") {
        const gated = await approvalGate(recorder, runId, step, spec);
        if (gated === "go-on") continue;
        return gated;
      }

      // A plain pending step next: it starts in the same statement that ends this one.
      const nextStep = run.steps[i + 1];
      const nextSpec = nextStep?.status === "pending" ? (stepSpec.parse(nextStep.spec) as StepSpec) : null;
      const handOff =
        nextStep && nextSpec && nextSpec.kind !== "approval-gate"
          ? { stepId: nextStep.id, at: nextStep.index, spec: nextSpec, attempts: nextStep.attempts + 1 }
          : undefined;
      const preStarted = handedOff.next?.stepId === step.id ? handedOff.next : null;
      handedOff.next = null;
      const outcome = await runStep({
        deps,
        recorder,
        writer: out,
        runId,
        runSignal,
        stepId: step.id,
        at,
        spec,
        priorAttempts: step.attempts,
        handOff,
        preStarted,
        onHandedOff: (next) => (handedOff.next = next),
      });
      if (outcome === "ok") continue;
      if (outcome.kind === "cancelled")
        return await recorder.finish(
          "cancelled",
          { type: "run.cancelled", stepIndex: at, data: { step: step.name } },
          `cancelled during "${step.name}"`,
        );
      return await recorder.finish(
        "failed",
        { type: "run.failed", stepIndex: at, data: { step: step.name, error: outcome.error } },
        `Step ${at + 1} "${step.name}" failed: ${outcome.error}`,
      );
    }
    return await recorder.finish("succeeded", { type: "run.succeeded", data: {} });
  } finally {
    lease.release();
    await out.flush().catch(() => {});
  }
}

type StepRow = Awaited<ReturnType<typeof loadRun>>["steps"][number];

const loadRun = (deps: EngineDeps, runId: string) =>
  deps.db.run.findUniqueOrThrow({ where: { id: runId }, include: { steps: { orderBy: { index: "asc" } } } });

/**
 * A step the record says is running was interrupted by a worker that died: it is re-run only when it
 * is safe to repeat; otherwise the run needs a person. Null when the step is to run again.
 */
async function takeOverInterrupted(
  recorder: RunRecorder,
  step: StepRow,
  workerId: string,
): Promise<FinalStatus | null> {
  const at = step.index;
  // Interrupted by a worker crash: say so first, whatever comes next.
  await recorder.commit("taken over", async () => [
    {
      type: "run.resumed",
      stepIndex: at,
      data: { reason: "the worker running it was lost; taken over", by: workerId },
    },
  ]);
  // Its process group may still be alive: stop it first.
  const spawned = step.result as { pid?: number; host?: string } | null;
  if (spawned?.pid && spawned.host === os.hostname()) killGroup(spawned.pid, "SIGKILL");
  if (!step.isIdempotent) {
    const message = `Step ${at + 1} "${step.name}" was interrupted (the worker stopped mid-step) and is not safe to repeat automatically; check its effect on the target, then start a new run`;
    await recorder.commit("interrupted", async (tx) => {
      await tx.step.update({
        where: { id: step.id },
        data: { status: "failed", error: "interrupted: the worker stopped mid-step", finishedAt: new Date() },
      });
      return [{ type: "step.failed", stepIndex: at, data: { error: "interrupted: the worker stopped mid-step" } }];
    });
    return await recorder.finish(
      "needs_attention",
      { type: "run.needs_attention", stepIndex: at, data: { step: step.name, message } },
      message,
    );
  }
  await recorder.commit("re-run", async () => [
    {
      type: "step.retrying",
      stepIndex: at,
      data: { reason: "interrupted by a worker restart; re-running (the step is idempotent)" },
    },
  ]);
  return null;
}

/** An approval gate: decided (go on, or the run fails), or the run waits for a decision (a commander's). */
async function approvalGate(
  recorder: RunRecorder,
  runId: string,
  step: StepRow,
  spec: Extract<StepSpec, { kind: "approval-gate" }>,
): Promise<"go-on" | "waiting_approval" | FinalStatus> {
  const at = step.index;
  const decision = (step.result as { decision?: string } | null)?.decision;
  if (step.status === "waiting_approval" && decision) {
    const approved = decision === "approved";
    await recorder.commit("gate decided", async (tx) => {
      await tx.step.update({
        where: { id: step.id },
        data: {
          status: approved ? "succeeded" : "failed",
          finishedAt: new Date(),
          error: approved ? null : `rejected by ${step.decidedBy}`,
        },
      });
      return [];
    });
    if (!approved)
      return await recorder.finish(
        "failed",
        { type: "run.failed", stepIndex: at, data: { error: `rejected by ${step.decidedBy}` } },
        `Step "${step.name}" was rejected by ${step.decidedBy}`,
      );
    return "go-on";
  }
  await recorder.commit("gate waiting", async (tx) => {
    await tx.step.update({ where: { id: step.id }, data: { status: "waiting_approval", startedAt: new Date() } });
    await tx.run.update({
      where: { id: runId },
      data: { status: "waiting_approval", claimedBy: null, claimedUntil: null },
    });
    return [
      { type: "step.waiting_approval", stepIndex: at, data: { prompt: spec.prompt } },
      { type: "run.waiting_approval", stepIndex: at, data: { prompt: spec.prompt } },
    ];
  });
  return "waiting_approval";
}
