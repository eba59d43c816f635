import "server-only";
import { Queue } from "bullmq";
import { z } from "zod";
import { env } from "../env";
import { createRedis } from "../redis";

// The one job Backout's worker takes: execute (or continue) a run. Producer and worker both parse.
export const RUN_QUEUE = "runs";
export const executeRunJob = {
  name: "execute-run",
  schema: z.object({ runId: z.string().uuid() }).strict(),
};
export type ExecuteRunPayload = z.infer<typeof executeRunJob.schema>;

const g = globalThis as unknown as { backoutRunQueue?: Queue };

export function runQueue(): Queue {
  g.backoutRunQueue ??= new Queue(RUN_QUEUE, {
    connection: createRedis(env.REDIS_URL, { enableOfflineQueue: false }),
    prefix: env.BACKOUT_REDIS_PREFIX,
  });
  return g.backoutRunQueue;
}

/**
 * Adds a job for the run. The first job's id is the run id; later ones (after an approval, or
 * from the reconciler) get a suffix so they are never dropped as duplicates of a job still
 * finishing. Two jobs for one run are harmless: the worker's claim lets only one execute it.
 */
export async function enqueueRun(
  runId: string,
  reason: "start" | "resume" = "start",
  queue = runQueue(),
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
