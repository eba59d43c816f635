import "server-only";
import os from "node:os";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { cleanOutputLine } from "./clean-output";
import { Prisma } from "../../generated/prisma/client";
import type { Db } from "../db/client";
import { stepSpec, type StepSpec } from "../steps/schema";
import { executeStep } from "../steps/executors";
import { killGroup } from "../steps/spawn";
import { sleep, StepAbort, StepFailure, type OutputStream, type StepContext } from "../steps/context";
import {
  appendEvents,
  handOffStep,
  LeaseLost,
  publishEvents,
  transitionStep,
  type RunEventInput,
  type StepTransition,
} from "./events";
import { releaseTargetLock } from "./lock";
import { publishTimeline, type TimelineEntry } from "../incidents/timeline";
import { onRunFinished } from "../incidents/lifecycle";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

// Error text kept with a step: no NUL (Postgres refuses it) and no terminal codes.
const clean = (s: string) => cleanOutputLine(s);

export type ExecuteOutcome =
  "succeeded" | "failed" | "cancelled" | "needs_attention" | "waiting_approval" | "not_claimed" | "already_finished";

export class RunClaimedElsewhere extends Error {}

type Deps = { db: Db; redis: Redis; log: Logger; workerId: string; leaseMs: number };

/**
 * Postgres going away (restart, failover, network): SQLSTATE class 08 (connection exception),
 * 57P01–57P03 (shutting down, cannot connect now), or the driver losing its socket.
 */
function isTransientDbError(e: unknown): boolean {
  if (e instanceof RunClaimedElsewhere || e instanceof LeaseLost) return false;
  if (e instanceof Prisma.PrismaClientKnownRequestError && ["P1001", "P1002", "P1017", "P2024"].includes(e.code))
    return true;
  const cause = (e as { meta?: { driverAdapterError?: { cause?: { code?: string; originalCode?: string } } } })?.meta
    ?.driverAdapterError?.cause;
  const sqlstate = cause?.originalCode ?? cause?.code ?? (e as { code?: string })?.code;
  if (typeof sqlstate === "string" && (/^08/.test(sqlstate) || /^57P0[123]$/.test(sqlstate))) return true;
  return /ECONNREFUSED|ECONNRESET|Connection terminated|connection (is )?closed|shutting down|terminating connection/i.test(
    String((e as Error)?.message ?? e),
  );
}

/**
 * Retries a Postgres write while the database restarts; the record must not be lost. With a
 * signal, a write no longer wanted (the step was cancelled meanwhile) stops being retried.
 */
async function durably<T>(deps: Deps, what: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isTransientDbError(e) || Date.now() > deadline || signal?.aborted) throw e;
      deps.log.warn({ err: (e as Error).message, what, attempt }, "database write failed; retrying");
      await sleep(Math.min(5000, 200 * attempt));
    }
  }
}

/** Batches output lines into few transactions; keeps them until Postgres has them. */
class OutputWriter {
  private pending: RunEventInput[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  constructor(
    private deps: Deps,
    private runId: string,
  ) {}

  push(e: RunEventInput): void {
    // Progress is a level, not a log: only the newest per step matters.
    if (e.type === "step.progress") {
      const i = this.pending.findIndex((p) => p.type === "step.progress" && p.stepIndex === e.stepIndex);
      if (i >= 0) this.pending.splice(i, 1);
    }
    this.pending.push(e);
    if (this.pending.length >= 200) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), 40);
  }

  /**
   * The lines not yet written, taken to go out with the step's next transition (one statement
   * instead of two: the engine's per-step cost), after every write already under way.
   */
  async take(): Promise<RunEventInput[]> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
    const batch = this.pending;
    this.pending = [];
    return batch;
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.chain;
    this.chain = this.chain.then(async () => {
      try {
        const records = await durably(this.deps, "output", () =>
          appendEvents(this.deps.db, this.runId, batch, this.deps.workerId),
        );
        // Not awaited: one connection keeps publishes in order, and Postgres already has them.
        void publishEvents(this.deps.redis, records);
      } catch (e) {
        if (e instanceof LeaseLost) return; // the run is another worker's now
        // Keep the lines (in order, ahead of newer ones) for the next flush; never drop them.
        this.pending = [...batch, ...this.pending];
        this.deps.log.error(
          { runId: this.runId, err: (e as Error).message, lines: batch.length },
          "output not recorded yet; will retry",
        );
        this.timer ??= setTimeout(() => void this.flush(), 1000);
      }
    });
    return this.chain;
  }
}

export async function executeRun(deps: Deps & { runId: string; cancelSignal: AbortSignal }): Promise<ExecuteOutcome> {
  const { db, redis, runId, log, workerId } = deps;

  // Claim the run: only one worker executes it, even if two jobs name it.
  const claimed = await durably(deps, "claim", () =>
    db.$executeRawUnsafe(
      `UPDATE runs SET "claimedBy" = $2, "claimedUntil" = now() + ($3 || ' milliseconds')::interval
       WHERE id = $1::uuid AND status IN ('queued', 'running')
         AND ("claimedBy" IS NULL OR "claimedUntil" < now())`,
      runId,
      workerId,
      String(deps.leaseMs),
    ),
  );
  if (claimed === 0) {
    const run = await db.run.findUnique({ where: { id: runId }, select: { status: true } });
    if (!run || !["queued", "running"].includes(run.status)) return "already_finished";
    throw new RunClaimedElsewhere(`run ${runId} is being executed by another worker`);
  }
  // Losing the lease (another worker took over after this one could not renew) stops everything here.
  const leaseCtl = new AbortController();
  const runSignal = AbortSignal.any([deps.cancelSignal, leaseCtl.signal]);
  const renew = setInterval(
    () => {
      db.$executeRawUnsafe(
        `UPDATE runs SET "claimedUntil" = now() + ($3 || ' milliseconds')::interval WHERE id = $1::uuid AND "claimedBy" = $2`,
        runId,
        workerId,
        String(deps.leaseMs),
      )
        .then((n) => {
          if (n !== 0 || leaseCtl.signal.aborted) return;
          log.error({ runId, workerId }, "lease lost: another worker has taken this run over; stopping here");
          leaseCtl.abort(new StepAbort("cancelled", "lease lost"));
        })
        .catch((e) => log.warn({ runId, err: (e as Error).message }, "lease renewal failed"));
    },
    Math.max(500, Math.floor(deps.leaseMs / 3)),
  );

  const out = new OutputWriter(deps, runId);
  const commit = async (what: string, fn: (tx: Tx) => Promise<RunEventInput[]>) => {
    const records = await durably(deps, what, () =>
      db.$transaction(async (tx) => {
        // Fenced once, up front and under the row lock: fn may then release the claim itself (finish).
        const held = await tx.$queryRawUnsafe<unknown[]>(
          `SELECT 1 FROM runs WHERE id = $1::uuid AND "claimedBy" = $2 FOR UPDATE`,
          runId,
          workerId,
        );
        if (held.length === 0) throw new LeaseLost(`run ${runId} is no longer held by ${workerId}`);
        return appendEvents(tx, runId, await fn(tx));
      }),
    );
    void publishEvents(redis, records);
  };
  /** One statement per step transition: the engine's per-step cost is mostly these. */
  const move = async (what: string, t: StepTransition, events: RunEventInput[]) => {
    const { records, isCancelRequested } = await durably(deps, what, () =>
      transitionStep(db, runId, t, events, workerId),
    );
    void publishEvents(redis, records);
    return isCancelRequested;
  };
  const finish = async (
    status: "succeeded" | "failed" | "cancelled" | "needs_attention",
    event: RunEventInput,
    error?: string,
  ) => {
    await out.flush();
    const timeline: TimelineEntry[] = [];
    await commit(`run ${status}`, async (tx) => {
      timeline.length = 0; // a retried transaction starts again
      const run = await tx.run.update({
        where: { id: runId },
        data: { status, error: error ?? null, finishedAt: new Date(), claimedBy: null, claimedUntil: null },
        select: { incidentId: true, runbook: true },
      });
      // The incident follows the facts: on its timeline, and its status and clock move (lifecycle.ts).
      if (run.incidentId)
        timeline.push(
          ...(await onRunFinished(tx, {
            incidentId: run.incidentId,
            runId,
            runbook: run.runbook,
            status,
            error: error ?? null,
          })),
        );
      if (status !== "succeeded") {
        await tx.step.updateMany({ where: { runId, status: "pending" }, data: { status: "skipped" } });
        // A step left "running" by a crashed worker ends with the run.
        await tx.step.updateMany({
          where: { runId, status: { in: ["running", "waiting_approval"] } },
          data: { status: "cancelled", finishedAt: new Date() },
        });
      }
      await releaseTargetLock(tx, runId);
      return [event];
    });
    publishTimeline(redis, timeline);
    return status;
  };

  try {
    const run = await db.run.findUniqueOrThrow({
      where: { id: runId },
      include: { steps: { orderBy: { index: "asc" } } },
    });
    if (run.cancelRequested) {
      for (const s of run.steps) {
        const spawned = s.result as { pid?: number; host?: string } | null;
        if (s.status === "running" && spawned?.pid && spawned.host === os.hostname()) killGroup(spawned.pid, "SIGKILL");
      }
      return await finish("cancelled", { type: "run.cancelled", data: { message: "cancelled" } }, "cancelled");
    }
    if (run.status === "queued") {
      let isStarted = true;
      await commit("start", async (tx) => {
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
        return await finish(
          step.status === "failed" ? "failed" : "cancelled",
          {
            type: step.status === "failed" ? "run.failed" : "run.cancelled",
            stepIndex: at,
            data: { step: step.name, error: step.error },
          },
          `Step ${at + 1} "${step.name}" ${step.status}: ${step.error ?? ""}`,
        );

      if (step.status === "running") {
        // Interrupted by a worker crash: say so first, whatever comes next.
        await commit("taken over", async () => [
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
          await commit("interrupted", async (tx) => {
            await tx.step.update({
              where: { id: step.id },
              data: { status: "failed", error: "interrupted: the worker stopped mid-step", finishedAt: new Date() },
            });
            return [
              { type: "step.failed", stepIndex: at, data: { error: "interrupted: the worker stopped mid-step" } },
            ];
          });
          return await finish(
            "needs_attention",
            { type: "run.needs_attention", stepIndex: at, data: { step: step.name, message } },
            message,
          );
        }
        await commit("re-run", async () => [
          {
            type: "step.retrying",
            stepIndex: at,
            data: { reason: "interrupted by a worker restart; re-running (the step is idempotent)" },
          },
        ]);
      }

      if (spec.kind === "approval-gate") {
        const decision = (step.result as { decision?: string } | null)?.decision;
        if (step.status === "waiting_approval" && decision) {
          const approved = decision === "approved";
          await commit("gate decided", async (tx) => {
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
            return await finish(
              "failed",
              { type: "run.failed", stepIndex: at, data: { error: `rejected by ${step.decidedBy}` } },
              `Step "${step.name}" was rejected by ${step.decidedBy}`,
            );
          continue;
        }
        await commit("gate waiting", async (tx) => {
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

      // A plain pending step next: it starts in the same statement that ends this one.
      const nextStep = run.steps[i + 1];
      const nextSpec = nextStep?.status === "pending" ? (stepSpec.parse(nextStep.spec) as StepSpec) : null;
      const handOff =
        nextStep && nextSpec && nextSpec.kind !== "approval-gate"
          ? { stepId: nextStep.id, at: nextStep.index, spec: nextSpec, attempts: nextStep.attempts + 1 }
          : undefined;
      const preStarted = handedOff.next?.stepId === step.id ? handedOff.next : null;
      handedOff.next = null;
      const outcome = await runStep(
        deps,
        out,
        move,
        runId,
        step.id,
        at,
        spec,
        step.attempts,
        handOff,
        preStarted,
        (next) => (handedOff.next = next),
      );
      if (outcome === "ok") continue;
      if (outcome.kind === "cancelled")
        return await finish(
          "cancelled",
          { type: "run.cancelled", stepIndex: at, data: { step: step.name } },
          `cancelled during "${step.name}"`,
        );
      return await finish(
        "failed",
        { type: "run.failed", stepIndex: at, data: { step: step.name, error: outcome.error } },
        `Step ${at + 1} "${step.name}" failed: ${outcome.error}`,
      );
    }
    return await finish("succeeded", { type: "run.succeeded", data: {} });
  } finally {
    clearInterval(renew);
    await out.flush().catch(() => {});
  }

  async function runStep(
    d: Deps,
    writer: OutputWriter,
    moveFn: typeof move,
    rid: string,
    stepId: string,
    at: number,
    spec: Exclude<StepSpec, { kind: "approval-gate" }>,
    priorAttempts: number,
    handOff?: { stepId: string; at: number; spec: StepSpec; attempts: number },
    preStarted?: { isCancelRequested: boolean } | null,
    onHandedOff?: (next: { stepId: string; isCancelRequested: boolean }) => void,
  ): Promise<"ok" | { kind: "cancelled" } | { kind: "failed"; error: string }> {
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      // Started already by the previous step's hand-off (its first attempt only).
      const isCancelRequested =
        attempt === 1 && preStarted
          ? preStarted.isCancelRequested
          : await moveFn(
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
        await moveFn("step cancelled", { stepId, status: "cancelled", isFinish: true, error: "cancelled" }, [
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
            d,
            "record pid",
            () =>
              d.db.$executeRawUnsafe(
                `UPDATE steps SET result = $3::jsonb WHERE id = $1::uuid AND status = 'running'
                   AND EXISTS (SELECT 1 FROM runs WHERE id = $2::uuid AND "claimedBy" = $4)`,
                stepId,
                rid,
                JSON.stringify({ pid, host: os.hostname() }),
                d.workerId,
              ),
            ctrl.signal,
          );
          if (recorded !== 1) throw new LeaseLost(`run ${rid} is no longer held by ${d.workerId}; step not started`);
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
          const handed = await durably(d, "step hand-off", () =>
            handOffStep(
              d.db,
              rid,
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
              d.workerId,
            ),
          );
          if (handed) {
            void publishEvents(d.redis, handed.records);
            onHandedOff?.({ stepId: next.stepId, isCancelRequested: handed.isCancelRequested });
            return "ok";
          }
        }
        await moveFn("step succeeded", { stepId, status: "succeeded", isFinish: true, result: result ?? {} }, ending);
        return "ok";
      } catch (e) {
        // The run is another worker's now: nothing more may be recorded or run here.
        if (e instanceof LeaseLost) throw e;
        await writer.flush();
        const reason = ctrl.signal.aborted ? (ctrl.signal.reason as StepAbort) : undefined;
        if (reason?.why === "cancelled" || (e instanceof StepAbort && e.why === "cancelled")) {
          await moveFn("step cancelled", { stepId, status: "cancelled", isFinish: true, error: "cancelled" }, [
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
          d.log.error({ runId: rid, stepId, err: e }, "step threw");
      } finally {
        clearTimeout(timer);
        runSignal.removeEventListener("abort", onCancel);
      }

      if (spec.isIdempotent && attempt <= spec.retries) {
        const delayMs = spec.retryDelayMs * 2 ** (attempt - 1);
        await moveFn("step retry", { stepId, status: "running", error: failure }, [
          { type: "step.retrying", stepIndex: at, data: { attempt: priorAttempts + attempt, error: failure, delayMs } },
        ]);
        try {
          await sleep(delayMs, runSignal);
        } catch {
          /* cancelled: the next loop turn records it */
        }
        continue;
      }
      await moveFn("step failed", { stepId, status: "failed", isFinish: true, error: failure }, [
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
}
