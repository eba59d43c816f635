import "server-only";
import type { Queue } from "bullmq";
import type { Db } from "../db/client";
import { enqueueRun } from "./run-job";

/**
 * Finds runs that should be moving but that no worker holds (their job was lost when Redis
 * restarted, or enqueueing failed after an approval) and gives them a job again.
 */
export async function reconcileRuns(opts: { db: Db; queue: Queue; graceMs?: number }): Promise<string[]> {
  const grace = opts.graceMs ?? 5000;
  const orphans = await opts.db.$queryRawUnsafe<{ id: string; status: string }[]>(
    `SELECT id, status FROM runs
     WHERE status IN ('queued', 'running') AND NOT "isDryRun"
       AND ("claimedUntil" IS NULL OR "claimedUntil" < now() - ($1 || ' milliseconds')::interval)
       AND "createdAt" < now() - ($1 || ' milliseconds')::interval
     ORDER BY "createdAt" LIMIT 100`,
    String(grace),
  );
  const requeued: string[] = [];
  for (const run of orphans) {
    if (run.status === "queued" && (await opts.queue.getJob(run.id))) continue; // still waiting its turn
    await enqueueRun(run.id, "resume", opts.queue);
    requeued.push(run.id);
  }
  return requeued;
}
