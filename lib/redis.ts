import { Cluster, Redis, type RedisOptions } from "ioredis";
import { env } from "./env";

/**
 * A connection to Backout's own Redis: a single Redis (REDIS_URL), a Redis Cluster
 * (REDIS_CLUSTER_NODES) or a master found through Sentinel (REDIS_SENTINELS). A Cluster is typed as
 * a Redis here: every command Backout sends takes keys of one slot (see redisPrefix) or none, and
 * BullMQ takes either. BullMQ needs maxRetriesPerRequest: null on connections that block.
 */
export function createRedis(url = env.REDIS_URL, opts: RedisOptions = {}): Redis {
  const options: RedisOptions = { maxRetriesPerRequest: null, ...opts };
  if (url === env.REDIS_URL && (env.REDIS_CLUSTER_NODES || env.REDIS_SENTINELS)) {
    // REDIS_URL still says how to log in (user, password, rediss:// for TLS) and, with Sentinel, which db.
    const u = new URL(env.REDIS_URL);
    if (u.username) options.username = decodeURIComponent(u.username);
    if (u.password) options.password = decodeURIComponent(u.password);
    if (u.protocol === "rediss:") options.tls = {};
    if (env.REDIS_SENTINELS && /^\/\d+$/.test(u.pathname)) options.db = Number(u.pathname.slice(1));
  }
  if (url === env.REDIS_URL && env.REDIS_CLUSTER_NODES)
    return new Cluster(env.REDIS_CLUSTER_NODES, {
      redisOptions: options,
      enableOfflineQueue: options.enableOfflineQueue ?? true,
      // Backout's keys all share one hash tag, so one node answers them; retried while a slot moves.
      retryDelayOnMoved: 100,
    }) as unknown as Redis;
  if (url === env.REDIS_URL && env.REDIS_SENTINELS)
    return new Redis({ ...options, sentinels: env.REDIS_SENTINELS, name: env.REDIS_SENTINEL_NAME });
  return new Redis(url, options);
}

export const isCluster = (r: Redis): boolean => (r as unknown as { isCluster?: boolean }).isCluster === true;

/**
 * The prefix of every key Backout writes, hash-tagged ({backout}): all of them, BullMQ's queues
 * included, live in one slot of a Redis Cluster, as BullMQ requires and as MULTI and MGET need.
 */
export const redisPrefix = (): string => `{${env.BACKOUT_REDIS_PREFIX}}`;

/** Every key matching `pattern`: SCAN on a single Redis, on each master of a cluster. */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const nodes = isCluster(redis) ? (redis as unknown as Cluster).nodes("master") : [redis];
  const found: string[] = [];
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, batch] = await node.scan(cursor, "MATCH", pattern, "COUNT", 200);
      cursor = next;
      found.push(...batch);
    } while (cursor !== "0");
  }
  return found;
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
  events: () => `${redisPrefix()}:run-events`,
  incidentEvents: () => `${redisPrefix()}:incident-events`,
  metrics: () => `${redisPrefix()}:metrics`,
  cancel: () => `${redisPrefix()}:run-cancel`,
  /** A test restore was asked for (the message: the target's pool): its runners look now. */
  backupChecks: () => `${redisPrefix()}:backup-checks`,
  /** Held by the one runner caring for a target's backups at a time. */
  backupCare: (target: string) => `${redisPrefix()}:backup-care:${target}`,
  /** A runner's heartbeat in one pool (it keeps one per pool it serves). */
  runnerHeartbeat: (pool: string, id: string) => `${redisPrefix()}:runner:${pool}:${id}`,
  runnerHeartbeatPattern: () => `${redisPrefix()}:runner:*`,
};
