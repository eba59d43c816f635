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
  summary:
    "Stop workers, drain active jobs, pause and clean queues, roll back the queue code, rebuild, restart workers, resume queues gradually.",
  risk: "medium",
  params: (facts) => z.object({ release: releaseParam(facts) }).strict(),
  steps: ({ target, params }) => {
    const [first, ...rest] = target.redis.queues;
    // Step keys are [a-z0-9-]; queue names may also hold dots, underscores and capitals.
    // Distinct names may fold to the same key (ai_analysis, ai-analysis): the queue's position breaks the tie.
    const folded = target.redis.queues.map((q) => q.toLowerCase().replace(/[^a-z0-9-]+/g, "-"));
    const k = (q: string) => {
      const i = target.redis.queues.indexOf(q);
      return folded.indexOf(folded[i]!) === i ? folded[i]! : `${folded[i]}-${i + 1}`;
    };
    const gradual: StepSpecInput[] = first
      ? [
          s.resumeQueues(target, `resume-${k(first)}`, `Resume ${first}`, [first]),
          ...rest.flatMap((q): StepSpecInput[] => [
            { kind: "wait", key: `monitor-before-${k(q)}`, name: "Wait and monitor", ms: 5000, isIdempotent: true },
            {
              kind: "queue",
              key: `stats-before-${k(q)}`,
              name: "Check queue stats",
              action: "stats",
              redisUrl: target.redis.url,
              prefix: target.redis.queuePrefix,
              queues: target.redis.queues,
              isIdempotent: true,
              timeoutMs: 15_000,
            },
            s.resumeQueues(target, `resume-${k(q)}`, `Resume ${q}`, [q]),
          ]),
        ]
      : [];
    return [
      ...(target.commands.stopWorkers
        ? [
            s.command(target, "stop-workers", "Stop all workers", target.commands.stopWorkers, {
              isIdempotent: true,
              timeoutMs: 60_000,
            }),
          ]
        : []),
      s.waitIdle(target),
      s.pauseQueues(target),
      {
        kind: "queue",
        key: "clean-failed",
        name: "Clean failed jobs",
        action: "clean-failed",
        redisUrl: target.redis.url,
        prefix: target.redis.queuePrefix,
        queues: target.redis.queues,
        isIdempotent: true,
        timeoutMs: 60_000,
      },
      ...(target.queuePaths.length
        ? [
            {
              kind: "git",
              key: "checkout-queue-code",
              name: `Roll back queue code to ${params.release}`,
              repoPath: target.repoPath,
              action: "checkout-paths",
              ref: params.release,
              paths: target.queuePaths,
              isIdempotent: true,
              timeoutMs: 60_000,
            } as StepSpecInput,
          ]
        : []),
      s.command(target, "build", "Rebuild", target.commands.build, { isIdempotent: true }),
      ...(target.commands.restartWorkers
        ? [
            s.command(target, "restart-workers", "Restart workers", target.commands.restartWorkers, {
              isIdempotent: true,
              timeoutMs: 60_000,
            }),
          ]
        : []),
      ...gradual,
    ];
  },
});
