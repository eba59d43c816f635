import "server-only";
import { JOB_STATES, removeFailedJobs, withTargetQueues } from "../../target-ops/connection";
import { sleep, StepFailure, type StepContext, type StepResult } from "../context";
import type { StepOf } from "../schema";

export async function executeQueueStep(spec: StepOf<"queue">, ctx: StepContext): Promise<StepResult> {
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
          const n = await removeFailedJobs(q);
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
