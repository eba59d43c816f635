import "server-only";
import type { Db } from "../db/client";
import { enqueueRun, runQueue } from "./run-job";

/**
 * Finds runs of `pools` that should be moving but that no runner holds (their job was lost when
 * Redis restarted, enqueueing failed after an approval, or their runner died) and gives them a job
 * again, on their pool's queue: a run is only ever taken over by a runner of its own pool.
 */
export async function reconcileRuns(opts: { db: Db; pools: string[]; graceMs?: number }): Promise<string[]> {
  const grace = opts.graceMs ?? 5000;
  const orphans = await opts.db.$queryRawUnsafe<{ id: string; status: string; pool: string }[]>(
    `SELECT id, status, pool FROM runs
     WHERE status IN ('queued', 'running') AND NOT "isDryRun" AND pool = ANY($2::text[])
       AND ("claimedUntil" IS NULL OR "claimedUntil" < now() - ($1 || ' milliseconds')::interval)
       AND "createdAt" < now() - ($1 || ' milliseconds')::interval
     ORDER BY "createdAt" LIMIT 100`,
    String(grace),
    opts.pools,
  );
  const requeued: string[] = [];
  for (const run of orphans) {
    const queue = runQueue(run.pool);
    if (run.status === "queued" && (await queue.getJob(run.id))) continue; // still waiting its turn
    await enqueueRun(run.id, run.pool, "resume", queue);
    requeued.push(run.id);
  }
  return requeued;
}
