import "server-only";
import type { Redis } from "ioredis";
import type { Db } from "./db/client";
import { keys, scanKeys } from "./redis";

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

export type LiveRunner = { id: string; host: string; pid: number; running: number; at: string };

/** Every live runner (a heartbeat in the last 15 s), by the pool it serves. */
export async function liveRunners(redis: Redis): Promise<Record<string, LiveRunner[]>> {
  const found = await scanKeys(redis, keys.runnerHeartbeatPattern());
  const values = found.length ? await redis.mget(...found) : [];
  const byPool: Record<string, LiveRunner[]> = {};
  const prefix = keys.runnerHeartbeatPattern().slice(0, -1);
  found.forEach((key, i) => {
    const pool = key.slice(prefix.length).split(":")[0]!;
    try {
      const v = JSON.parse(values[i] ?? "") as {
        id: string;
        host: string;
        pid: number;
        running?: string[];
        at: string;
      };
      (byPool[pool] ??= []).push({ id: v.id, host: v.host, pid: v.pid, running: v.running?.length ?? 0, at: v.at });
    } catch {
      /* expired between SCAN and MGET */
    }
  });
  return byPool;
}

/**
 * GET /health: Postgres, Redis and live runners. Down when no runner at all is alive; a pool that a
 * target names but no runner serves is said in the detail (its runs wait, visibly, for one).
 */
export async function checkHealth(opts: { db: Db; redis: Redis; pools: string[] }) {
  const [database, redisCheck, worker] = await Promise.all([
    timed(() => opts.db.$queryRawUnsafe("SELECT 1")),
    timed(() => opts.redis.ping()),
    (async (): Promise<Check> => {
      let byPool: Record<string, LiveRunner[]> = {};
      // Bounded like the other checks: with Redis down the answer is "down", not a hung request.
      const scan = await timed(async () => {
        byPool = await liveRunners(opts.redis);
      });
      if (!scan.ok) return { ok: false, error: `cannot read heartbeats: ${scan.error}` };
      const pools = Object.fromEntries(
        [...new Set([...opts.pools, ...Object.keys(byPool)])].sort().map((pool) => [pool, byPool[pool]?.length ?? 0]),
      );
      const empty = opts.pools.filter((p) => !byPool[p]?.length);
      const total = Object.values(byPool).reduce((n, r) => n + r.length, 0);
      const detail = {
        workers: total,
        pools,
        ...(empty.length
          ? { waiting: empty.map((p) => `no runner on pool ${p}: start one with \`npm run worker -- --pool ${p}\``) }
          : {}),
      };
      return total
        ? { ok: true, detail }
        : { ok: false, detail, error: "no worker heartbeat in the last 15 s; start one with `npm run worker`" };
    })(),
  ]);
  const checks = { database, redis: redisCheck, worker };
  const down = Object.entries(checks)
    .filter(([, c]) => !c.ok)
    .map(([name]) => name);
  return { status: down.length ? ("down" as const) : ("ok" as const), down, checks };
}
