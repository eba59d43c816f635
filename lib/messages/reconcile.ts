import "server-only";
import type { Queue } from "bullmq";
import type { Db } from "../db/client";
import { enqueueDelivery } from "./delivery-job";

/**
 * Deliveries that should be moving but have no job (sent while Redis was down, or their job was
 * lost when it restarted) get one again, due when they were due. Nothing recorded is lost.
 */
export async function reconcileDeliveries(opts: { db: Db; queue: Queue; graceMs?: number }): Promise<string[]> {
  const grace = opts.graceMs ?? 5000;
  const rows = await opts.db.$queryRawUnsafe<{ id: string; nextAttemptAt: Date | null }[]>(
    `SELECT id, "nextAttemptAt" FROM message_deliveries
     WHERE status IN ('pending', 'retrying') AND "createdAt" < now() - ($1 || ' milliseconds')::interval
       AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" < now() + interval '1 hour')
     ORDER BY "createdAt" LIMIT 200`,
    String(grace),
  );
  const requeued: string[] = [];
  for (const r of rows) {
    if (await opts.queue.getJob(r.id)) continue;
    await enqueueDelivery(r.id, { queue: opts.queue, delayMs: Math.max(0, (r.nextAttemptAt?.getTime() ?? 0) - Date.now()) });
    requeued.push(r.id);
  }
  return requeued;
}
