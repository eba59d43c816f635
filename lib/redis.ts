import { Redis, type RedisOptions } from "ioredis";
import { env } from "./env";

/** BullMQ needs maxRetriesPerRequest: null on connections that block. */
export function createRedis(url = env.REDIS_URL, opts: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, ...opts });
}

/** For a target's Redis: fail within seconds instead of waiting forever when it is down. */
export function createTargetRedis(url: string): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 5000, enableOfflineQueue: true });
  r.on("error", () => {}); // surfaced through the failing command instead
  return r;
}

const g = globalThis as unknown as { backoutRedis?: Redis };

/** The process's shared command connection (not for SUBSCRIBE or blocking commands). */
export function redis(): Redis {
  g.backoutRedis ??= createRedis();
  return g.backoutRedis;
}

export const keys = {
  events: () => `${env.BACKOUT_REDIS_PREFIX}:run-events`,
  incidentEvents: () => `${env.BACKOUT_REDIS_PREFIX}:incident-events`,
  metrics: () => `${env.BACKOUT_REDIS_PREFIX}:metrics`,
  cancel: () => `${env.BACKOUT_REDIS_PREFIX}:run-cancel`,
  /** A runner's heartbeat in one pool (it keeps one per pool it serves). */
  runnerHeartbeat: (pool: string, id: string) => `${env.BACKOUT_REDIS_PREFIX}:runner:${pool}:${id}`,
  runnerHeartbeatPattern: () => `${env.BACKOUT_REDIS_PREFIX}:runner:*`,
};
