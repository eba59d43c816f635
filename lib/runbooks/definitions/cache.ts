import { z } from "zod";
import { defineRunbook } from "../types";
import * as s from "../steps";
import type { StepSpecInput } from "../../steps/schema";

// plan §4.3 Cache/Redis Rollback: flush all (nuclear) or invalidate by pattern, verify, warm.
export const cache = defineRunbook({
  id: "cache",
  title: "Cache/Redis rollback",
  planSection: "4.3",
  summary:
    "Clear the cache (everything, or only keys matching a pattern), verify Redis health, warm the cache with correct data.",
  risk: "low",
  params: (_facts, target) =>
    z
      .object({
        mode: z
          .enum(["pattern", "flush"], { error: 'mode: "pattern" (delete matching keys) or "flush" (everything)' })
          .default("pattern"),
        pattern: z
          .string()
          .optional()
          .refine((p) => p === undefined || target.redis.cachePatterns.includes(p), {
            message: `one of the target's cache patterns: ${target.redis.cachePatterns.join(", ") || "(none configured)"}`,
          }),
        warm: z.boolean().default(true),
      })
      .strict(),
  steps: ({ target, params }) => {
    const clear: StepSpecInput[] =
      params.mode === "flush"
        ? [
            {
              kind: "cache",
              key: "flush",
              name: "Clear all cache (nuclear option)",
              action: "flush",
              redisUrl: target.redis.url,
              isIdempotent: true,
              timeoutMs: 60_000,
            },
          ]
        : (params.pattern ? [params.pattern] : target.redis.cachePatterns).map((pattern, i) => ({
            kind: "cache" as const,
            key: `invalidate-${i + 1}`,
            name: `Clear keys matching ${pattern}`,
            action: "delete-pattern" as const,
            pattern,
            redisUrl: target.redis.url,
            isIdempotent: true,
            timeoutMs: 300_000,
          }));
    const warmUrl = s.cacheUrl(target);
    return [
      ...clear,
      {
        kind: "cache",
        key: "ping",
        name: "Verify Redis health (PING)",
        action: "ping",
        redisUrl: target.redis.url,
        isIdempotent: true,
        retries: 3,
        timeoutMs: 10_000,
      },
      ...(params.warm && warmUrl
        ? [
            {
              kind: "cache",
              key: "warm",
              name: "Warm cache with correct data",
              action: "warm",
              redisUrl: target.redis.url,
              warmUrl,
              isIdempotent: true,
              retries: 2,
              timeoutMs: 120_000,
            } as StepSpecInput,
          ]
        : []),
    ];
  },
});
