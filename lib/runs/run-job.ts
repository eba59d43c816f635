import "server-only";
import { Queue } from "bullmq";
import { z } from "zod";
import { env } from "../env";
import { createRedis, redisPrefix } from "../redis";

// The one job Backout's worker takes: execute (or continue) a run. Producer and worker both parse.
export const RUN_QUEUE = "runs";
export const executeRunJob = {
  name: "execute-run",
  schema: z.object({ runId: z.string().uuid() }).strict(),
};
export type ExecuteRunPayload = z.infer<typeof executeRunJob.schema>;

/** Each runner pool has its own queue; the "local" pool keeps the original name. */
export const runQueueName = (pool: string) => (pool === "local" ? RUN_QUEUE : `${RUN_QUEUE}-${pool}`);

const g = globalThis as unknown as { backoutRunQueues?: Map<string, Queue> };

/** The pool's run queue (one per process and pool). */
export function runQueue(pool = "local"): Queue {
  g.backoutRunQueues ??= new Map();
  let q = g.backoutRunQueues.get(pool);
  if (!q) {
    q = new Queue(runQueueName(pool), {
      connection: createRedis(env.REDIS_URL, { enableOfflineQueue: false }),
      prefix: redisPrefix(),
    });
    g.backoutRunQueues.set(pool, q);
  }
  return q;
}

/**
 * Adds a job for the run. The first job's id is the run id; later ones (after an approval, or
 * from the reconciler) get a suffix so they are never dropped as duplicates of a job still
 * finishing. Two jobs for one run are harmless: the worker's claim lets only one execute it.
 */
export async function enqueueRun(
  runId: string,
  pool: string,
  reason: "start" | "resume" = "start",
  queue = runQueue(pool),
): Promise<void> {
  const payload = executeRunJob.schema.parse({ runId });
  await queue.add(executeRunJob.name, payload, {
    jobId: reason === "start" ? runId : `${runId}-${reason}-${Date.now()}`,
    attempts: 30,
    backoff: { type: "fixed", delay: 1000 },
    removeOnComplete: true,
    removeOnFail: true,
  });
}
