import "server-only";
import fs from "node:fs";
import os from "node:os";
import pg from "pg";
import type { Target } from "../targets/schema";
import type { MetricValues } from "../plan";
import { createTargetRedis } from "../redis";
import { withTargetQueues } from "../target-ops/connection";
import { targetUrl } from "../runbooks/steps";

/** What the sampler remembers between readings of one target (counters are deltas). */
export type SamplerMemory = { logOffset?: number; keyspace?: { hits: number; misses: number } };

const PROBES = 10;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const started = performance.now();
  try {
    const value = await fn();
    return { ms: performance.now() - started, value };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)] ?? 0;
}

/** plan §3 "grep ERROR /var/log/app.log | wc -l", as a rate over the lines written since last time. */
function readLogDelta(file: string, memory: SamplerMemory): { lines: number; errors: number } | undefined {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return undefined;
  }
  const from =
    memory.logOffset === undefined || memory.logOffset > size ? Math.max(0, size - 64 * 1024) : memory.logOffset;
  memory.logOffset = size;
  if (size === from) return { lines: 0, errors: 0 };
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.alloc(Math.min(size - from, 4 * 1024 * 1024));
    fs.readSync(fd, buf, 0, buf.length, size - buf.length);
    const lines = buf.toString("utf8").split("\n").filter(Boolean);
    return { lines: lines.length, errors: lines.filter((l) => /\bERROR\b/.test(l)).length };
  } finally {
    fs.closeSync(fd);
  }
}

/** One reading of every metric the plan watches. Each is measured on its own; a failure leaves it out. */
export async function sampleTarget(target: Target, memory: SamplerMemory): Promise<Partial<MetricValues>> {
  const values: Partial<MetricValues> = {};
  const get = (path: string) =>
    fetch(targetUrl(target, path), { signal: AbortSignal.timeout(3000) }).then(
      async (r) => (await r.arrayBuffer(), r.status),
    );

  const health = await timed(() => get(target.http.healthPath));
  values.healthUp = health.value === 200;

  // Timed probes: the p95 of their latency, and (when the log says nothing) their failure rate.
  const probes: { ms: number; ok: boolean }[] = [];
  for (let i = 0; i < PROBES; i++) {
    const r = await timed(() => get(target.http.probePath));
    probes.push({ ms: r.ms, ok: r.value !== undefined && r.value < 500 });
  }
  values.responseTimeP95Ms = Math.round(p95(probes.map((p) => p.ms)) * 10) / 10;
  const log = readLogDelta(target.logFile, memory);
  values.errorRate =
    log && log.lines > 0
      ? Math.round((log.errors / log.lines) * 1000) / 10
      : Math.round((probes.filter((p) => !p.ok).length / probes.length) * 1000) / 10;

  const db = new pg.Client({ connectionString: target.postgres.url, connectionTimeoutMillis: 3000 });
  const dbProbe = await timed(async () => {
    await db.connect();
    const started = performance.now();
    await db.query("SELECT 1");
    return performance.now() - started;
  });
  values.dbUp = dbProbe.error === undefined;
  if (dbProbe.value !== undefined) values.dbQueryMs = Math.round(dbProbe.value * 100) / 100;
  await db.end().catch(() => {});

  const redis = createTargetRedis(target.redis.url);
  try {
    values.redisUp = (await redis.ping()) === "PONG";
    // plan §6.4 "Cache Hit Rate: Check Redis INFO": hits / (hits + misses) since the last reading.
    const info = await redis.info("stats");
    const hits = Number(/keyspace_hits:(\d+)/.exec(info)?.[1] ?? NaN);
    const misses = Number(/keyspace_misses:(\d+)/.exec(info)?.[1] ?? NaN);
    if (memory.keyspace && hits >= memory.keyspace.hits && misses >= memory.keyspace.misses) {
      const dh = hits - memory.keyspace.hits;
      const dm = misses - memory.keyspace.misses;
      if (dh + dm > 0) values.cacheHitRate = Math.round((dh / (dh + dm)) * 1000) / 10;
    }
    if (Number.isFinite(hits) && Number.isFinite(misses)) memory.keyspace = { hits, misses };
  } catch {
    values.redisUp = false;
  } finally {
    redis.disconnect();
  }

  if (values.redisUp && target.redis.queues.length)
    await withTargetQueues(target.redis.url, target.redis.queuePrefix, target.redis.queues, async (queues) => {
      const lengths: Record<string, number> = {};
      for (const q of queues) lengths[q.name] = await q.getWaitingCount();
      values.queueLength = lengths;
    }).catch(() => {});

  values.freeMemoryBytes = os.freemem();
  try {
    const st = await fs.promises.statfs(target.repoPath);
    values.freeDiskBytes = st.bavail * st.bsize;
  } catch {
    /* repo path missing: no disk reading */
  }
  return values;
}
