import "server-only";
import os from "node:os";
import { cleanOutputLine } from "./clean-output";
import type { StepSpec } from "../steps/schema";
import { executeStep } from "../steps/executors";
import { sleep, StepAbort, StepFailure, type OutputStream, type StepContext } from "../steps/context";
import { durably, type EngineDeps } from "./durable";
import { handOffStep, LeaseLost, publishEvents, type RunEventInput } from "./events";
import type { OutputWriter } from "./output-writer";
import type { RunRecorder } from "./recorder";

// Error text kept with a step: no NUL (Postgres refuses it) and no terminal codes.
const clean = (s: string) => cleanOutputLine(s);

export type StepOutcome = "ok" | { kind: "cancelled" } | { kind: "failed"; error: string };

/**
 * Runs one step to its end: started (unless the previous step's hand-off started it), executed
 * with its timeout and the run's cancel, retried when idempotent, and ended on the record. A
 * success hands off to `handOff` (the next step) in the same statement when there is one.
 */
export async function runStep(opts: {
  deps: EngineDeps;
  recorder: RunRecorder;
  writer: OutputWriter;
  runId: string;
  runSignal: AbortSignal;
  stepId: string;
  at: number;
  spec: Exclude<StepSpec, { kind: "approval-gate" }>;
  priorAttempts: number;
  handOff?: { stepId: string; at: number; spec: StepSpec; attempts: number };
  preStarted?: { isCancelRequested: boolean } | null;
  onHandedOff?: (next: { stepId: string; isCancelRequested: boolean }) => void;
}): Promise<StepOutcome> {
  const { deps, recorder, writer, runId, runSignal, stepId, at, spec, priorAttempts } = opts;
  const { handOff, preStarted, onHandedOff } = opts;
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    // Started already by the previous step's hand-off (its first attempt only).
    const isCancelRequested =
      attempt === 1 && preStarted
        ? preStarted.isCancelRequested
        : await recorder.move(
            "step start",
            { stepId, status: "running", attempts: priorAttempts + attempt, isStart: true, error: null },
            [
              {
                type: "step.started",
                stepIndex: at,
                data: { attempt: priorAttempts + attempt, name: spec.name, kind: spec.kind },
              },
            ],
          );
    if (isCancelRequested || runSignal.aborted) {
      await recorder.move("step cancelled", { stepId, status: "cancelled", isFinish: true, error: "cancelled" }, [
        { type: "step.cancelled", stepIndex: at },
      ]);
      return { kind: "cancelled" };
    }

    const ctrl = new AbortController();
    const onCancel = () => ctrl.abort(new StepAbort("cancelled", "cancelled"));
    runSignal.addEventListener("abort", onCancel, { once: true });
    const timer = setTimeout(
      () => ctrl.abort(new StepAbort("timeout", `timed out after ${Math.round(spec.timeoutMs / 1000)}s`)),
      spec.timeoutMs,
    );
    const ctx: StepContext = {
      signal: ctrl.signal,
      // Postgres jsonb refuses NUL; a binary answer from a broken target must not stop the record.
      output: (stream: OutputStream, line: string) =>
        writer.push({ type: "step.output", stepIndex: at, data: { stream, line: cleanOutputLine(line) } }),
      progress: (percent: number, message?: string) =>
        writer.push({
          type: "step.progress",
          stepIndex: at,
          data: { percent: Math.max(0, Math.min(100, Math.round(percent))), message },
        }),
      onSpawn: async (pid) => {
        // With the host: after a crash only a worker on the same machine may kill this group.
        // Awaited: the command starts only once this is on record (lib/steps/spawn.ts).
        // Fenced by the lease: a worker that lost the run (partitioned, then taken over) must not
        // start the command the new holder may be running too.
        const recorded = await durably(
          deps,
          "record pid",
          () =>
            deps.db.$executeRawUnsafe(
              `UPDATE steps SET result = $3::jsonb WHERE id = $1::uuid AND status = 'running'
                 AND EXISTS (SELECT 1 FROM runs WHERE id = $2::uuid AND "claimedBy" = $4)`,
              stepId,
              runId,
              JSON.stringify({ pid, host: os.hostname() }),
              deps.workerId,
            ),
          ctrl.signal,
        );
        if (recorded !== 1) throw new LeaseLost(`run ${runId} is no longer held by ${deps.workerId}; step not started`);
      },
    };
    let failure: string;
    try {
      const result = await executeStep(spec, ctx);
      // The step's last lines are recorded with its end, in the same statement and in order.
      const ending: RunEventInput[] = [
        ...(await writer.take()),
        { type: "step.succeeded", stepIndex: at, data: { ms: Date.now() - started, result: result ?? {} } },
      ];
      if (handOff && !runSignal.aborted) {
        const next = handOff;
        const handed = await durably(deps, "step hand-off", () =>
          handOffStep(
            deps.db,
            runId,
            { stepId, result: result ?? {} },
            { stepId: next.stepId, attempts: next.attempts },
            [
              ...ending,
              {
                type: "step.started",
                stepIndex: next.at,
                data: { attempt: next.attempts, name: next.spec.name, kind: next.spec.kind },
              },
            ],
            deps.workerId,
          ),
        );
        if (handed) {
          void publishEvents(deps.redis, handed.records);
          onHandedOff?.({ stepId: next.stepId, isCancelRequested: handed.isCancelRequested });
          return "ok";
        }
      }
      await recorder.move(
        "step succeeded",
        { stepId, status: "succeeded", isFinish: true, result: result ?? {} },
        ending,
      );
      return "ok";
    } catch (e) {
      // The run is another worker's now: nothing more may be recorded or run here.
      if (e instanceof LeaseLost) throw e;
      await writer.flush();
      const reason = ctrl.signal.aborted ? (ctrl.signal.reason as StepAbort) : undefined;
      if (reason?.why === "cancelled" || (e instanceof StepAbort && e.why === "cancelled")) {
        await recorder.move("step cancelled", { stepId, status: "cancelled", isFinish: true, error: "cancelled" }, [
          { type: "step.cancelled", stepIndex: at, data: { ms: Date.now() - started } },
        ]);
        return { kind: "cancelled" };
      }
      failure = clean(
        reason?.why === "timeout" && !(e instanceof StepFailure)
          ? reason.message
          : e instanceof Error
            ? e.message
            : String(e),
      );
      if (!(e instanceof StepFailure) && !(e instanceof StepAbort))
        deps.log.error({ runId: runId, stepId, err: e }, "step threw");
    } finally {
      clearTimeout(timer);
      runSignal.removeEventListener("abort", onCancel);
    }

    if (spec.isIdempotent && attempt <= spec.retries) {
      const delayMs = spec.retryDelayMs * 2 ** (attempt - 1);
      await recorder.move("step retry", { stepId, status: "running", error: failure }, [
        { type: "step.retrying", stepIndex: at, data: { attempt: priorAttempts + attempt, error: failure, delayMs } },
      ]);
      try {
        await sleep(delayMs, runSignal);
      } catch {
        /* cancelled: the next loop turn records it */
      }
      continue;
    }
    await recorder.move("step failed", { stepId, status: "failed", isFinish: true, error: failure }, [
      {
        type: "step.failed",
        stepIndex: at,
        data: { error: failure, ms: Date.now() - started, allowFailure: spec.allowFailure },
      },
    ]);
    if (spec.allowFailure) {
      writer.push({
        type: "step.output",
        stepIndex: at,
        data: { stream: "info", line: `Warning: ${failure}; continuing (this step may fail)` },
      });
      await writer.flush();
      return "ok";
    }
    return { kind: "failed", error: failure };
  }
}
