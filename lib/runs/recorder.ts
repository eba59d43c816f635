import "server-only";
import type { Db } from "../db/client";
import { publishTimeline, type TimelineEntry } from "../incidents/timeline";
import { onRunFinished } from "../incidents/lifecycle";
import { durably, type EngineDeps } from "./durable";
import {
  appendEvents,
  LeaseLost,
  publishEvents,
  transitionStep,
  type RunEventInput,
  type StepTransition,
} from "./events";
import { releaseTargetLock } from "./lock";
import type { OutputWriter } from "./output-writer";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];
export type FinalStatus = "succeeded" | "failed" | "cancelled" | "needs_attention";

/**
 * How the engine writes a run's record: every write fenced by this worker's claim, retried while
 * Postgres restarts, and told to live viewers once committed.
 */
export class RunRecorder {
  constructor(
    private deps: EngineDeps,
    private runId: string,
    private out: OutputWriter,
  ) {}

  /** `fn`'s changes and the events it returns, in one transaction held under the run's row lock. */
  async commit(what: string, fn: (tx: Tx) => Promise<RunEventInput[]>): Promise<void> {
    const { db, redis, workerId } = this.deps;
    const records = await durably(this.deps, what, () =>
      db.$transaction(async (tx) => {
        // Fenced once, up front and under the row lock: fn may then release the claim itself (finish).
        const held = await tx.$queryRawUnsafe<unknown[]>(
          `SELECT 1 FROM runs WHERE id = $1::uuid AND "claimedBy" = $2 FOR UPDATE`,
          this.runId,
          workerId,
        );
        if (held.length === 0) throw new LeaseLost(`run ${this.runId} is no longer held by ${workerId}`);
        return appendEvents(tx, this.runId, await fn(tx));
      }),
    );
    void publishEvents(redis, records);
  }

  /** One statement per step transition: the engine's per-step cost is mostly these. True when a cancel was asked for. */
  async move(what: string, t: StepTransition, events: RunEventInput[]): Promise<boolean> {
    const { records, isCancelRequested } = await durably(this.deps, what, () =>
      transitionStep(this.deps.db, this.runId, t, events, this.deps.workerId),
    );
    void publishEvents(this.deps.redis, records);
    return isCancelRequested;
  }

  /** Ends the run: its status, the steps left over, the target's lock, and the incident it belongs to. */
  async finish(status: FinalStatus, event: RunEventInput, error?: string): Promise<FinalStatus> {
    const runId = this.runId;
    await this.out.flush();
    const timeline: TimelineEntry[] = [];
    await this.commit(`run ${status}`, async (tx) => {
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
    publishTimeline(this.deps.redis, timeline);
    return status;
  }
}
