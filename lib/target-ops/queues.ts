import "server-only";
import { AppError } from "../errors";
import type { Target } from "../targets/schema";
import { JOB_STATES, removeFailedJobs, withTargetQueues } from "./connection";
import { createTargetRedis } from "../redis";

export type QueueStats = Record<string, Record<(typeof JOB_STATES)[number], number> & { isPaused: boolean }>;

function queuesOf(target: Target, name?: string): string[] {
  if (name === undefined) return target.redis.queues;
  if (!target.redis.queues.includes(name))
    throw new AppError(
      "NOT_FOUND",
      `Unknown queue "${name}" on target "${target.name}"; known queues: ${target.redis.queues.join(", ")}`,
      {
        issues: [{ path: "name", message: `one of: ${target.redis.queues.join(", ")}` }],
      },
    );
  return [name];
}

const open = <T>(target: Target, names: string[], fn: Parameters<typeof withTargetQueues<T>>[3]) =>
  withTargetQueues(target.redis.url, target.redis.queuePrefix, names, fn).catch((e) => {
    if (e instanceof AppError) throw e;
    throw new AppError(
      "UNAVAILABLE",
      `Cannot reach ${target.name}'s Redis (${(e as Error).message}); check that it is running`,
    );
  });

export async function getQueueStats(target: Target): Promise<QueueStats> {
  return open(target, queuesOf(target), async (queues) => {
    const out: QueueStats = {};
    for (const q of queues)
      out[q.name] = { ...(await q.getJobCounts(...JOB_STATES)), isPaused: await q.isPaused() } as QueueStats[string];
    return out;
  });
}

export async function pauseTargetQueues(target: Target, name?: string) {
  const names = queuesOf(target, name);
  await open(target, names, async (queues) => Promise.all(queues.map((q) => q.pause())));
  return { paused: names };
}

export async function resumeTargetQueues(target: Target, name?: string) {
  const names = queuesOf(target, name);
  await open(target, names, async (queues) => Promise.all(queues.map((q) => q.resume())));
  return { resumed: names };
}

export async function cleanFailed(target: Target) {
  return open(target, queuesOf(target), async (queues) => {
    const removed: Record<string, number> = {};
    // The same removal as the runbooks' "clean failed jobs" step: one behaviour, one place.
    for (const q of queues) removed[q.name] = await removeFailedJobs(q);
    return { removed };
  });
}

/**
 * Jobs that finished since a moment, across the target's queues (plan §9 Checkpoint 3, §6.3 "Queue
 * processes jobs"): BullMQ keeps finished jobs in sorted sets scored by when they finished, so this
 * is one count per queue and state, whatever the queues hold.
 */
export async function jobsFinishedSince(target: Target, since: Date): Promise<{ completed: number; failed: number }> {
  const redis = createTargetRedis(target.redis.url);
  try {
    let completed = 0;
    let failed = 0;
    // BullMQ's keys: <prefix>:<queue>:completed and :failed.
    for (const name of target.redis.queues) {
      const key = (state: string) => `${target.redis.queuePrefix}:${name}:${state}`;
      completed += await redis.zcount(key("completed"), since.getTime(), "+inf");
      failed += await redis.zcount(key("failed"), since.getTime(), "+inf");
    }
    return { completed, failed };
  } catch (e) {
    throw new AppError(
      "UNAVAILABLE",
      `Cannot reach ${target.name}'s Redis (${(e as Error).message}); check that it is running`,
    );
  } finally {
    redis.disconnect();
  }
}
