import { z } from "zod";
import { defineRunbook } from "../types";
import { releaseParam } from "../params";
import * as s from "../steps";
import type { StepSpecInput } from "../../steps/schema";

// plan §4.2 Queue System Rollback: stop workers, drain, pause, clean, roll back the queue code,
// rebuild, restart workers, then resume the queues one at a time.
export const queueSystem = defineRunbook({
  id: "queue-system",
  title: "Queue system rollback",
  planSection: "4.2",
  summary: "Stop workers, drain active jobs, pause and clean queues, roll back the queue code, rebuild, restart workers, resume queues gradually.",
  risk: "medium",
  params: (facts) => z.object({ release: releaseParam(facts) }).strict(),
  steps: ({ target, params }) => {
    const [first, ...rest] = target.redis.queues;
    const gradual: StepSpecInput[] = first
      ? [
          s.resumeQueues(target, `resume-${first}`, `Resume ${first}`, [first]),
          ...rest.flatMap((q): StepSpecInput[] => [
            { kind: "wait", key: `monitor-before-${q}`, name: "Wait and monitor", ms: 5000, isIdempotent: true },
            { kind: "queue", key: `stats-before-${q}`, name: "Check queue stats", action: "stats", redisUrl: target.redis.url, prefix: target.redis.queuePrefix, queues: target.redis.queues, isIdempotent: true, timeoutMs: 15_000 },
            s.resumeQueues(target, `resume-${q}`, `Resume ${q}`, [q]),
          ]),
        ]
      : [];
    return [
      ...(target.commands.stopWorkers ? [s.command(target, "stop-workers", "Stop all workers", target.commands.stopWorkers, { isIdempotent: true, timeoutMs: 60_000 })] : []),
      s.waitIdle(target),
      s.pauseQueues(target),
      { kind: "queue", key: "clean-failed", name: "Clean failed jobs", action: "clean-failed", redisUrl: target.redis.url, prefix: target.redis.queuePrefix, queues: target.redis.queues, isIdempotent: true, timeoutMs: 60_000 },
      ...(target.queuePaths.length
        ? [{ kind: "git", key: "checkout-queue-code", name: `Roll back queue code to ${params.release}`, repoPath: target.repoPath, action: "checkout-paths", ref: params.release, paths: target.queuePaths, isIdempotent: true, timeoutMs: 60_000 } as StepSpecInput]
        : []),
      s.command(target, "build", "Rebuild", target.commands.build, { isIdempotent: true }),
      ...(target.commands.restartWorkers ? [s.command(target, "restart-workers", "Restart workers", target.commands.restartWorkers, { isIdempotent: true, timeoutMs: 60_000 })] : []),
      ...gradual,
    ];
  },
});
