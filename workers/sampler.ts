import { env } from "../lib/env";
import { log } from "../lib/log";
import { createDb } from "../lib/db/client";
import { createRedis } from "../lib/redis";
import { loadTargets } from "../lib/targets/load-targets";
import { sampleTarget, type SamplerMemory } from "../lib/metrics/sample-target";
import { countHealthDay, pruneSamples, recordSample } from "../lib/metrics/store";

// The metrics sampler: its own process (never the web process). Every SAMPLE_INTERVAL_MS it
// measures each target, stores the reading in Postgres and publishes it for live viewers.

const db = createDb(env.DATABASE_URL, 3);
const redis = createRedis();
const targets = loadTargets().targets;
const memory = new Map<string, SamplerMemory>(targets.map((t) => [t.name, {}]));
let stopping = false;
let tick = 0;

async function sampleAll() {
  for (const target of targets) {
    const started = performance.now();
    try {
      const values = await sampleTarget(target, memory.get(target.name)!);
      const record = await recordSample(db, redis, target.name, values, performance.now() - started);
      await countHealthDay(db, target.name, new Date(record.at), values);
    } catch (e) {
      log.warn({ target: target.name, err: (e as Error).message }, "sample failed");
    }
  }
  if (tick++ % 60 === 0) await pruneSamples(db, env.METRICS_RETENTION_HOURS).catch(() => {});
}

async function shutdown() {
  stopping = true;
  // With Redis or Postgres gone, closing waits for ever: stop anyway (what was running is recovered).
  setTimeout(() => process.exit(0), 15_000).unref();
  await Promise.allSettled([redis.quit(), db.$disconnect()]);
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown());
process.on("SIGINT", () => void shutdown());

log.info({ targets: targets.map((t) => t.name), intervalMs: env.SAMPLE_INTERVAL_MS }, "sampler ready");
while (!stopping) {
  const started = Date.now();
  await sampleAll();
  await new Promise((r) => setTimeout(r, Math.max(0, env.SAMPLE_INTERVAL_MS - (Date.now() - started))));
}
