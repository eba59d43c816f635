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
  const requeued: string[] = [];
  // Page through every delivery still on its way: hundreds legitimately retrying (a receiver down)
  // must not hide the one whose job was lost behind them.
  let after = "00000000-0000-0000-0000-000000000000";
  for (let page = 0; page < 50; page++) {
    const rows = await opts.db.$queryRawUnsafe<{ id: string; nextAttemptAt: Date | null }[]>(
      `SELECT id, "nextAttemptAt" FROM message_deliveries
       WHERE status IN ('pending', 'retrying') AND "createdAt" < now() - ($1 || ' milliseconds')::interval AND id > $2::uuid
       ORDER BY id LIMIT 200`,
      String(grace),
      after,
    );
    for (const r of rows) {
      if (await opts.queue.getJob(r.id)) continue;
      await enqueueDelivery(r.id, {
        queue: opts.queue,
        delayMs: Math.max(0, (r.nextAttemptAt?.getTime() ?? 0) - Date.now()),
      });
      requeued.push(r.id);
    }
    if (rows.length < 200) break;
    after = rows.at(-1)!.id;
  }
  return requeued;
}
