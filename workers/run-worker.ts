import { Worker, type Job } from "bullmq";
import crypto from "node:crypto";
import os from "node:os";
import { env } from "../lib/env";
import { log } from "../lib/log";
import { createDb } from "../lib/db/client";
import { createRedis, keys, redisPrefix } from "../lib/redis";
import { executeRunJob, runQueue, runQueueName } from "../lib/runs/run-job";
import { executeRun, RunClaimedElsewhere } from "../lib/runs/execute-run";
import { reconcileRuns } from "../lib/runs/reconcile";
import { StepAbort } from "../lib/steps/context";
import { loadTargets } from "../lib/targets/load-targets";
import { poolName } from "../lib/targets/schema";
import { careForTarget } from "../lib/backup-checks/care";

try {
  loadTargets();
} catch (e) {
  log.fatal({ err: (e as Error).message }, "cannot start: the targets file is invalid");
  process.exit(1);
}

// The only process that executes steps (DESIGN.md): a runner. Start as many as you like with the
// same env, on any host that can reach Postgres and Redis. `--pool NAME` (repeatable) says which
// pools' runs it takes: only the targets whose runnerPool it serves ("local" when none is given).
//   npm run worker -- --pool eu-west --pool eu-west-db

function poolsFromArgs(argv: string[]): string[] {
  const pools: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = a === "--pool" ? argv[++i] : a.startsWith("--pool=") ? a.slice("--pool=".length) : undefined;
    if (a !== "--pool" && !a.startsWith("--pool=")) {
      // A mistyped flag (--pools, -pool) must not leave a runner serving "local" on the wrong host.
      log.fatal({ argument: a }, `unknown argument ${a}: the runner takes --pool NAME (repeatable)`);
      process.exit(2);
    }
    if (a === "--pool" || a.startsWith("--pool=")) {
      const parsed = poolName.safeParse(value);
      if (!parsed.success) {
        log.fatal({ pool: value }, `--pool: ${parsed.error.issues[0]?.message ?? "a pool name"}`);
        process.exit(2);
      }
      if (!pools.includes(parsed.data)) pools.push(parsed.data);
    }
  }
  return pools.length ? pools : ["local"];
}
const pools = poolsFromArgs(process.argv.slice(2));

const workerId = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;
const db = createDb(env.DATABASE_URL, env.WORKER_CONCURRENCY + 4);
const redis = createRedis();
const subscriber = createRedis();
const running = new Map<string, AbortController>();

async function processJob(job: Job): Promise<string> {
  const { runId } = executeRunJob.schema.parse(job.data);
  // A second job for a run this process is already executing (after an approval, or from the
  // reconciler while Postgres was unreachable) has nothing to do.
  if (running.has(runId)) return "already running here";
  const controller = new AbortController();
  running.set(runId, controller);
  const started = performance.now();
  try {
    const outcome = await executeRun({
      db,
      redis,
      log,
      workerId,
      leaseMs: env.WORKER_LOCK_MS,
      pools,
      runId,
      cancelSignal: controller.signal,
    });
    log.info({ runId, outcome, ms: Math.round(performance.now() - started) }, "run processed");
    return outcome;
  } catch (e) {
    if (e instanceof RunClaimedElsewhere) log.debug({ runId }, "run claimed by another worker; will retry");
    else log.error({ runId, err: e }, "run processing failed");
    throw e;
  } finally {
    running.delete(runId);
  }
}

// One BullMQ worker per pool served, each on its pool's queue.
const workers = pools.map(
  (pool) =>
    new Worker(runQueueName(pool), processJob, {
      connection: createRedis(),
      prefix: redisPrefix(),
      concurrency: env.WORKER_CONCURRENCY,
      lockDuration: env.WORKER_LOCK_MS,
      stalledInterval: env.WORKER_LOCK_MS,
      // A run that stalls because its worker died is recovered, however often that happens.
      maxStalledCount: 1000,
    }),
);
for (const w of workers) w.on("error", (err) => log.error({ err: err.message }, "worker error"));
// A stray rejection must not take down runs in flight; they keep their own retry paths.
process.on("unhandledRejection", (err) =>
  log.error({ err: (err as Error)?.message ?? String(err) }, "unhandled rejection"),
);

await subscriber.subscribe(keys.cancel(), keys.backupChecks());
subscriber.on("message", (channel, message: string) => {
  if (channel === keys.backupChecks()) {
    if (pools.includes(message)) void careForBackups();
    return;
  }
  running.get(message)?.abort(new StepAbort("cancelled", "cancelled"));
});

// Backups (issue 17): test restores asked for and due, base backups, replaced folders removed, for
// the targets of the pools served. One pass at a time here; one runner per target across the pool.
const careAbort = new AbortController();
let caring: Promise<void> | null = null;
let careAgain = false;
function careForBackups(): Promise<void> {
  if (caring) {
    careAgain = true;
    return caring;
  }
  caring = (async () => {
    do {
      careAgain = false;
      for (const target of loadTargets().targets.filter((t) => pools.includes(t.runnerPool))) {
        if (careAbort.signal.aborted) return;
        await careForTarget({ db, redis, log, workerId, signal: careAbort.signal }, target).catch((e: Error) =>
          log.warn({ target: target.name, err: e.message }, "backup care failed; tried again on the next pass"),
        );
      }
    } while (careAgain && !careAbort.signal.aborted);
  })().finally(() => {
    caring = null;
  });
  return caring;
}
void careForBackups();
const careTimer = setInterval(() => void careForBackups(), env.BACKUP_CARE_INTERVAL_MS);

// One heartbeat per pool served: /health, the header and the targets page count each pool's live runners.
async function heartbeat() {
  const value = JSON.stringify({
    id: workerId,
    host: os.hostname(),
    pid: process.pid,
    pools,
    at: new Date().toISOString(),
    running: [...running.keys()],
  });
  await Promise.all(
    pools.map((pool) => redis.set(keys.runnerHeartbeat(pool, workerId), value, "PX", 15_000).catch(() => {})),
  );
}
await heartbeat();
const heartbeatTimer = setInterval(heartbeat, 5000);

async function reconcile() {
  try {
    // Half a second past the lease (every worker's lease is on Postgres's clock): a run whose worker died is
    // back on the queue within the lease plus about a second and a half.
    const requeued = await reconcileRuns({ db, pools, graceMs: 500 });
    if (requeued.length) log.warn({ requeued }, "re-enqueued runs that no worker held");
  } catch (e) {
    log.warn({ err: (e as Error).message }, "reconcile failed");
  }
}
void reconcile();
const reconcileTimer = setInterval(reconcile, 1000);

log.info({ workerId, pools, concurrency: env.WORKER_CONCURRENCY, prefix: redisPrefix() }, "run worker ready");

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  // With Redis or Postgres gone, closing waits for ever: stop anyway (what was running is recovered).
  setTimeout(() => process.exit(0), 15_000).unref();
  log.info({ signal, running: [...running.keys()] }, "worker stopping");
  clearInterval(heartbeatTimer);
  clearInterval(reconcileTimer);
  clearInterval(careTimer);
  careAbort.abort(new StepAbort("cancelled", "the runner is stopping"));
  // Give running steps a moment; anything still running is recovered by the next worker.
  const closed = Promise.all(workers.map((w) => w.close()));
  await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000))]);
  await Promise.all(pools.map((pool) => redis.del(keys.runnerHeartbeat(pool, workerId)).catch(() => {})));
  await Promise.allSettled([
    subscriber.quit(),
    redis.quit(),
    ...pools.map((pool) => runQueue(pool).close()),
    db.$disconnect(),
  ]);
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
