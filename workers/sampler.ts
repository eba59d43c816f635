import { env } from "../lib/env";
import { log } from "../lib/log";
import { createDb } from "../lib/db/client";
import { createRedis } from "../lib/redis";
import { loadTargets } from "../lib/targets/load-targets";
import { sampleTarget, type SamplerMemory } from "../lib/metrics/sample-target";
import { countHealthDay, pruneSamples, recordSample } from "../lib/metrics/store";
import { advanceDeploys, watchDeployRuns } from "../lib/deploys/advance-deploys";
import { advanceEmergencies } from "../lib/deploys/emergency";

// The metrics sampler: its own process (never the web process). Every SAMPLE_INTERVAL_MS it
// measures each target, stores the reading in Postgres and publishes it for live viewers.

const db = createDb(env.DATABASE_URL, 3);
const redis = createRedis();
const targets = loadTargets().targets;
const memory = new Map<string, SamplerMemory>(targets.map((t) => [t.name, {}]));
let stopping = false;
let tick = 0;

/** Reads every target once; true when a deploy is under watch on any (read every second then). */
async function sampleAll(): Promise<boolean> {
  let isWatching = false;
  for (const target of targets) {
    const started = performance.now();
    try {
      const values = await sampleTarget(target, memory.get(target.name)!);
      const record = await recordSample(db, redis, target.name, values, performance.now() - started);
      await countHealthDay(db, target.name, new Date(record.at), values);
    } catch (e) {
      log.warn({ target: target.name, err: (e as Error).message }, "sample failed");
    }
    // A deploy is judged on every new reading (issue 16); Backout's own deploy runs are deploys too.
    try {
      await watchDeployRuns(db, target);
      if ((await advanceDeploys({ db, redis, target })) > 0) isWatching = true;
      // plan §11.1 under "act": an open incident whose decision says roll back now.
      await advanceEmergencies({ db, redis, target });
    } catch (e) {
      log.warn(
        { target: target.name, err: (e as Error).message },
        "deploy watch failed; tried again on the next reading",
      );
    }
  }
  if (tick++ % 60 === 0) await pruneSamples(db, env.METRICS_RETENTION_HOURS).catch(() => {});
  return isWatching;
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
// While a deploy is watched, every second: a verdict within seconds of the deploy's end.
const WATCH_INTERVAL_MS = 1000;
while (!stopping) {
  const started = Date.now();
  const isWatching = await sampleAll();
  const interval = isWatching ? Math.min(env.SAMPLE_INTERVAL_MS, WATCH_INTERVAL_MS) : env.SAMPLE_INTERVAL_MS;
  await new Promise((r) => setTimeout(r, Math.max(0, interval - (Date.now() - started))));
}
