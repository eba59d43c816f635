import "server-only";
import { Queue } from "bullmq";
import { createTargetRedis } from "../redis";

// Opening a target's BullMQ queues: the one home for it (the queue step, the controls, the sampler
// and the checks all go through here).

export const JOB_STATES = ["waiting", "active", "completed", "failed", "delayed", "prioritized"] as const;

/** Opens the target's queues on one connection, runs fn, and always closes them. */
export async function withTargetQueues<T>(
  redisUrl: string,
  prefix: string,
  names: string[],
  fn: (queues: Queue[]) => Promise<T>,
): Promise<T> {
  const connection = createTargetRedis(redisUrl);
  const queues = names.map((name) => new Queue(name, { connection, prefix }));
  try {
    return await fn(queues);
  } finally {
    await Promise.allSettled(queues.map((q) => q.close()));
    connection.disconnect();
  }
}

/** Removes every failed job of a queue, in batches (clean() takes at most `limit` per call), however many there are. */
export async function removeFailedJobs(queue: Queue): Promise<number> {
  let n = 0;
  for (;;) {
    const ids = await queue.clean(0, 1000, "failed");
    n += ids.length;
    if (ids.length < 1000) return n;
  }
}
