import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import {
  buildWebIfStale,
  ensureDemo,
  ensureServices,
  flushRedisDb,
  migrateDatabase,
  startBackout,
  stopDemo,
  waitForHttp,
} from "../../scripts/stack";
import {
  SAMPLER_PID_FILE,
  testEnv,
  writeTestChannels,
  writeTestTargets,
  writeTestTokens,
  WORKER_PID_FILE,
} from "./support/env";

const MACHINE_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres";

/** When the PostgreSQL server at `url` started, or null when none answers. */
async function postmasterStart(url: string): Promise<string | null> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    const { rows } = await c.query<{ at: string }>("SELECT pg_postmaster_start_time()::text AS at");
    return rows[0]!.at;
  } catch {
    return null;
  } finally {
    await c.end().catch(() => {});
  }
}

// One real stack for the integration tier: fresh databases, its own Redis dbs and ports, the demo
// target at v1.0.0 under pm2, `next start` and the run worker as separate processes.
export default async function setup(_project: TestProject) {
  const env = testEnv();
  // The tier runs on private services and must leave the machine's own alone: its PostgreSQL (if
  // one answers on the usual port) is the same server, never restarted, when the tier ends.
  const machinePostgres = await postmasterStart(MACHINE_POSTGRES);
  fs.mkdirSync(env.BACKOUT_DATA_DIR!, { recursive: true });
  const services = await ensureServices(env);
  await migrateDatabase(env, { fresh: true });
  await flushRedisDb(env.REDIS_URL!);
  const demo = await ensureDemo(env, { fresh: true });
  writeTestTargets(env);
  writeTestChannels(env);
  await writeTestTokens(env);
  buildWebIfStale();

  const logDir = path.join(env.BACKOUT_DATA_DIR!, "logs");
  fs.mkdirSync(logDir, { recursive: true });
  const { web, worker, sampler, notifier, all } = startBackout(env, { logDir });
  fs.writeFileSync(WORKER_PID_FILE(env), String(worker.child.pid));
  fs.writeFileSync(SAMPLER_PID_FILE(env), String(sampler.child.pid));
  try {
    await waitForHttp(`http://127.0.0.1:${env.PORT}/health`, { timeoutMs: 60_000 });
  } catch (e) {
    // No teardown runs when setup fails: stop what was started, or a stale worker outlives the
    // run and takes the next run's work (with the code it was started with).
    await Promise.allSettled(all.map((p) => p.stop()));
    await stopDemo(demo).catch(() => {});
    await services.stop();
    throw new Error(`${(e as Error).message}; see ${logDir}/web.log`);
  }

  return async () => {
    await web.stop();
    await worker.stop();
    await sampler.stop();
    await notifier.stop();
    // Tests may have replaced the worker or the sampler; stop whichever ones the pid files name.
    for (const file of [WORKER_PID_FILE(env), SAMPLER_PID_FILE(env)]) {
      try {
        process.kill(Number(fs.readFileSync(file, "utf8")), "SIGTERM");
      } catch {
        /* already gone */
      }
    }
    await stopDemo(demo).catch(() => {});
    await services.stop();
    const machinePostgresNow = await postmasterStart(MACHINE_POSTGRES);
    if (machinePostgres !== machinePostgresNow)
      throw new Error(
        `The integration tier restarted the machine's own PostgreSQL (started ${machinePostgres}, now ${machinePostgresNow}): tests must restart only their private services`,
      );
    // A fault test may have restarted the private Redis itself: stop whatever answers there.
    const { Redis } = await import("ioredis");
    const r = new Redis(env.REDIS_URL!, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    r.on("error", () => {});
    await r
      .connect()
      .then(() => r.shutdown("NOSAVE"))
      .catch(() => {});
    r.disconnect();
  };
}
