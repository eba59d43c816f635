import "server-only";
import type { Redis } from "ioredis";
import type { Db } from "./db/client";
import { keys } from "./redis";

export type Check = { ok: boolean; ms?: number; error?: string; detail?: unknown };

async function timed(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<Check> {
  const started = performance.now();
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs)),
    ]);
    return { ok: true, ms: Math.round((performance.now() - started) * 10) / 10 };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** GET /health: Postgres, Redis and a live worker heartbeat. */
export async function checkHealth(opts: { db: Db; redis: Redis }) {
  const [database, redisCheck, worker] = await Promise.all([
    timed(() => opts.db.$queryRawUnsafe("SELECT 1")),
    timed(() => opts.redis.ping()),
    (async (): Promise<Check> => {
      let found = 0;
      // Bounded like the other checks: with Redis down the answer is "down", not a hung request.
      const scan = await timed(async () => {
        let cursor = "0";
        do {
          const [next, batch] = await opts.redis.scan(cursor, "MATCH", keys.workerHeartbeatPattern(), "COUNT", 100);
          cursor = next;
          found += batch.length;
        } while (cursor !== "0");
      });
      if (!scan.ok) return { ok: false, error: `cannot read heartbeats: ${scan.error}` };
      return found
        ? { ok: true, detail: { workers: found } }
        : { ok: false, error: "no worker heartbeat in the last 15 s; start one with `npm run worker`" };
    })(),
  ]);
  const checks = { database, redis: redisCheck, worker };
  const down = Object.entries(checks)
    .filter(([, c]) => !c.ok)
    .map(([name]) => name);
  return { status: down.length ? ("down" as const) : ("ok" as const), down, checks };
}
