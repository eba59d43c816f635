import "server-only";
import { Queue } from "bullmq";
import { createTargetRedis } from "../../redis";
import { sleep, StepFailure, type StepContext, type StepResult } from "../context";
import type { StepOf } from "../schema";

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

export async function runQueue(spec: StepOf<"queue">, ctx: StepContext): Promise<StepResult> {
  return withTargetQueues(spec.redisUrl, spec.prefix, spec.queues, async (queues) => {
    switch (spec.action) {
      case "pause":
        for (const q of queues) {
          await q.pause();
          ctx.output("info", `paused ${q.name}`);
        }
        return { paused: spec.queues };
      case "resume":
        for (const q of queues) {
          await q.resume();
          ctx.output("info", `resumed ${q.name}`);
        }
        return { resumed: spec.queues };
      case "clean-failed": {
        const removed: Record<string, number> = {};
        for (const q of queues) {
          let n = 0;
          // clean() removes at most `limit` jobs per call; loop until none are left.
          for (;;) {
            const ids = await q.clean(0, 1000, "failed");
            n += ids.length;
            if (ids.length < 1000) break;
          }
          removed[q.name] = n;
          ctx.output("info", `${q.name}: removed ${n} failed jobs`);
        }
        return { removed };
      }
      case "stats": {
        const stats: Record<string, Record<string, number>> = {};
        for (const q of queues) {
          stats[q.name] = await q.getJobCounts(...JOB_STATES);
          ctx.output("stdout", `${q.name}: ${JSON.stringify(stats[q.name])}`);
        }
        return { stats };
      }
      case "wait-idle": {
        // plan §4.2: "Drain active jobs (let them complete)". Fails on the step's timeout.
        let first: number | undefined;
        for (;;) {
          const counts = await Promise.all(queues.map((q) => q.getActiveCount()));
          const active = counts.reduce((a, b) => a + b, 0);
          first ??= active;
          ctx.output("info", `active jobs: ${queues.map((q, i) => `${q.name}=${counts[i]}`).join(", ")}`);
          ctx.progress(first === 0 ? 100 : ((first - active) / first) * 100, `${active} active`);
          if (active === 0) return { drained: true };
          try {
            await sleep(500, ctx.signal);
          } catch {
            if ((ctx.signal.reason as { why?: string })?.why === "timeout")
              throw new StepFailure(`${active} jobs still active when the step timed out; look for stuck jobs`);
            throw ctx.signal.reason;
          }
        }
      }
    }
  });
}
