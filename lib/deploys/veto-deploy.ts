import "server-only";
import type { Redis } from "ioredis";
import type { Db } from "../db/client";
import type { Actor } from "../auth/roles";
import { AppError } from "../errors";
import { appendTimeline, publishTimeline } from "../incidents/timeline";

/**
 * A person's veto (engineer and above): the deploy stays, and Backout does not roll it back by
 * itself. Only while nothing has started: once the rollback runs, cancel the run instead.
 */
export async function vetoDeploy(opts: { db: Db; redis: Redis; actor: Actor; deployId: string; reason?: string }) {
  const { db } = opts;
  const d = await db.deploy.findUnique({ where: { id: opts.deployId } });
  if (!d) throw new AppError("NOT_FOUND", `Deploy ${opts.deployId} not found; GET /api/deploys lists them`);
  const now = new Date();
  const { count } = await db.deploy.updateMany({
    where: { id: d.id, status: { in: ["watching", "pending_rollback"] } },
    data: { status: "vetoed", vetoedBy: opts.actor.label, vetoedAt: now, note: opts.reason ?? null },
  });
  if (!count) {
    const now = await db.deploy.findUnique({ where: { id: d.id }, select: { status: true, rollbackRunId: true } });
    throw new AppError(
      "CONFLICT",
      now?.status === "rolling_back" && now.rollbackRunId
        ? `Too late to veto: the rollback has started (run ${now.rollbackRunId}); cancel it with POST /api/runs/${now.rollbackRunId}/cancel`
        : `Nothing to veto: the deploy is ${(now?.status ?? d.status).replaceAll("_", " ")}`,
      { details: { status: now?.status ?? d.status, rollbackRunId: now?.rollbackRunId ?? null } },
    );
  }
  if (d.incidentId) {
    const entry = await appendTimeline(db, d.incidentId, "autopilot.vetoed", opts.actor.label, {
      deployId: d.id,
      release: d.release,
      reason: opts.reason ?? null,
    });
    publishTimeline(opts.redis, [entry]);
  }
  return db.deploy.findUniqueOrThrow({ where: { id: d.id } });
}
