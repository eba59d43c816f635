import "server-only";
import type { Redis } from "ioredis";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { keys } from "../redis";
import { appendEvents, publishEvents } from "./events";
import { releaseTargetLock } from "./lock";
import { onRunFinished } from "../incidents/lifecycle";
import { publishTimeline, type TimelineEntry } from "../incidents/timeline";

/**
 * Queued or waiting runs are cancelled here and now. A running run is flagged; the worker
 * executing it is told over Redis, kills the step's process group and records the cancel.
 */
export async function cancelRun(opts: { db: Db; redis: Redis; runId: string; by?: string }) {
  const { db, redis, runId } = opts;
  const by = opts.by ?? "api";
  const result = await db.$transaction(async (tx) => {
    const [run] = await tx.$queryRawUnsafe<{ status: string; incidentId: string | null; runbook: string }[]>(
      `SELECT status, "incidentId", runbook FROM runs WHERE id = $1::uuid FOR UPDATE`,
      runId,
    );
    if (!run) throw new AppError("NOT_FOUND", `Run ${runId} not found`);
    if (["succeeded", "failed", "cancelled", "needs_attention"].includes(run.status))
      throw new AppError(
        "CONFLICT",
        `Run ${runId} is already ${run.status}; only queued, running or waiting runs can be cancelled`,
      );
    if (run.status === "running") {
      await tx.run.update({ where: { id: runId }, data: { cancelRequested: true } });
      return {
        status: "cancelling",
        events: await appendEvents(tx, runId, [{ type: "run.cancel_requested", data: { by } }]),
        timeline: [] as TimelineEntry[],
      };
    }
    await tx.run.update({
      where: { id: runId },
      data: { status: "cancelled", cancelRequested: true, finishedAt: new Date(), error: `cancelled by ${by}` },
    });
    await tx.step.updateMany({
      where: { runId, status: { in: ["pending", "waiting_approval"] } },
      data: { status: "cancelled" },
    });
    await releaseTargetLock(tx, runId);
    // A running run's cancel is recorded by its worker; this one ends here, so its incident hears it here.
    const timeline = run.incidentId
      ? await onRunFinished(tx, {
          incidentId: run.incidentId,
          runId,
          runbook: run.runbook,
          status: "cancelled",
          error: `cancelled by ${by}`,
          actorLabel: by,
        })
      : [];
    return {
      status: "cancelled",
      events: await appendEvents(tx, runId, [{ type: "run.cancelled", data: { by } }]),
      timeline,
    };
  });
  void publishEvents(redis, result.events); // never hold a request for Redis: Postgres has the record
  publishTimeline(redis, result.timeline);
  // The worker also sees the flag at its next step transition if this message is lost.
  if (result.status === "cancelling") void redis.publish(keys.cancel(), runId).catch(() => {});
  return { id: runId, status: result.status };
}
