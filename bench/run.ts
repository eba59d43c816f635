// `npm run bench`: Backout's speed, measured on this machine with the whole stack running beside
// it (web, worker, sampler, notifier and the demo target, as `npm start` runs them), printed with
// each goal and whether it was met. Never part of `npm test`.
//  1. per-step overhead of a 50-step no-op run on the stack's worker, against 50 sequential raw
//     BullMQ jobs on the same Redis in the same run (goal: within 2×);
//  2. publish-to-receipt latency of run events fanned out to 1,000 console viewers (SSE) at 20 and
//     at 100 events a second, three runs of each, with lost and duplicated counts and the web
//     process's CPU and memory per 1,000 viewers;
//  3. the sampler's CPU per reading;
//  4. 20 incident pages open in Chromium under live metrics: event-to-screen time, and the load
//     time of one more page meanwhile;
//  5. the public status page under a crowd (bench/status-page.ts);
//  6. runs per second and per-step overhead with one runner and with three in one pool.
// `npm run bench -- 2 5` runs only those sections ("status" is 5; "autopilot" is 7; "pitr" is 8).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { stackEnv } from "../scripts/stack-env";

const env = stackEnv("bench");
Object.assign(process.env, env);

const {
  buildWebIfStale,
  ensureDemo,
  ensureServices,
  flushRedisDb,
  migrateDatabase,
  startBackout,
  writeStackTargets,
  stopDemo,
  waitForHttp,
} = await import("../scripts/stack");
const { createDb } = await import("../lib/db/client");
const { createRedis } = await import("../lib/redis");
const { appendEvents, publishEvents } = await import("../lib/runs/events");
const { enqueueRun, runQueue } = await import("../lib/runs/run-job");
const { Queue, QueueEvents, Worker } = await import("bullmq");
const { createApiToken } = await import("../lib/auth/tokens");

const STEPS = 50;
const RUNS = 5;
const CONNECTIONS = 1000;
const EVENTS = 100;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const ms = (x: number) => `${x.toFixed(2)} ms`;
const now = () => performance.timeOrigin + performance.now();

const services = await ensureServices(env);
await migrateDatabase(env, { fresh: true });
await flushRedisDb(env.REDIS_URL!);
buildWebIfStale();
const db = createDb(env.DATABASE_URL!, 20);
const redis = createRedis(env.REDIS_URL!);
const logDir = path.join(env.BACKOUT_DATA_DIR!, "logs");
fs.mkdirSync(logDir, { recursive: true });
// The whole stack, as in production, for every section: figures measured on a quiet machine do not hold.
// Section 7 turns the demo's autopilot to act; a short watch and baseline keep its 30 deploys in minutes.
const AUTOPILOT_BENCH = { watchMinutes: 0.5, baselineMinutes: 0.25, vetoSeconds: 15 };
writeStackTargets(env, (file) => {
  const demoTarget = file.targets[0] as { autopilot?: Record<string, unknown> };
  demoTarget.autopilot = { ...demoTarget.autopilot, ...AUTOPILOT_BENCH, policy: "off" };
});
const demo = await ensureDemo(env);
const stack = startBackout(env, { logDir });
const BASE = `http://127.0.0.1:${env.PORT}`;
// Whatever happens in a section, the stack and the demo are stopped at the end (a failed bench must not leave them running).
try {
  await waitForHttp(`${BASE}/health`, { timeoutMs: 120_000 });

  console.log(
    `Backout bench — ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString()}\n`,
  );

  function processTree(root: number): number[] {
    const pids = [root];
    for (let i = 0; i < pids.length; i++) {
      try {
        const kids = fs
          .readFileSync(`/proc/${pids[i]}/task/${pids[i]}/children`, "utf8")
          .trim()
          .split(/\s+/)
          .filter(Boolean)
          .map(Number);
        pids.push(...kids);
      } catch {}
    }
    return pids;
  }

  /** A queued run of `steps` no-op steps on a target of its own (no lock to wait for), for `pool`'s runners. */
  const noopRun = (steps: number, pool: string) =>
    db.run.create({
      data: {
        runbook: "bench-noop",
        target: `bench-${Math.random().toString(36).slice(2)}`,
        pool,
        steps: {
          create: Array.from({ length: steps }, (_, i) => ({
            index: i,
            key: `noop-${i}`,
            name: `No-op ${i + 1}`,
            kind: "wait",
            spec: { kind: "wait", key: `noop-${i}`, name: `No-op ${i + 1}`, ms: 0 },
            isIdempotent: true,
          })),
        },
      },
    });

  // `npm run bench -- 2 5` runs only those sections ("status" is 5).
  const only = process.argv
    .slice(2)
    .map((x) => (x === "status" ? "5" : x === "autopilot" ? "7" : x === "pitr" ? "8" : x));
  const want = (n: number) => !only.length || only.includes(String(n));
  // ── 1. engine overhead ───────────────────────────────────────────────────────────────────────
  if (want(1)) {
    async function engineRun(): Promise<{ total: number; perStep: number[] }> {
      const run = await noopRun(STEPS, "local");
      const t0 = now();
      await enqueueRun(run.id, "local");
      for (;;) {
        const r = await db.run.findUniqueOrThrow({ where: { id: run.id }, select: { status: true } });
        if (r.status === "succeeded") break;
        if (r.status === "failed") throw new Error("bench run failed");
        await new Promise((res) => setTimeout(res, 5));
      }
      const total = now() - t0;
      const starts = await db.runEvent.findMany({
        where: { runId: run.id, type: { in: ["step.started", "run.succeeded"] } },
        orderBy: { seq: "asc" },
        select: { createdAt: true },
      });
      const perStep = starts.slice(1).map((e, i) => e.createdAt.getTime() - starts[i]!.createdAt.getTime());
      return { total, perStep };
    }

    await engineRun(); // warm-up
    const engine: { total: number; perStep: number[] }[] = [];
    for (let i = 0; i < RUNS; i++) engine.push(await engineRun());
    const rawQueueName = "bench-raw";
    const rawConn = createRedis(env.REDIS_URL!);
    const rawQueue = new Queue(rawQueueName, { connection: rawConn, prefix: env.BACKOUT_REDIS_PREFIX });
    const rawEvents = new QueueEvents(rawQueueName, {
      connection: createRedis(env.REDIS_URL!),
      prefix: env.BACKOUT_REDIS_PREFIX,
    });
    const rawWorker = new Worker(rawQueueName, async () => "ok", {
      connection: createRedis(env.REDIS_URL!),
      prefix: env.BACKOUT_REDIS_PREFIX,
    });
    await rawEvents.waitUntilReady();
    async function rawSequence(): Promise<{ total: number; per: number[] }> {
      const per: number[] = [];
      const t0 = now();
      for (let i = 0; i < STEPS; i++) {
        const s = now();
        const job = await rawQueue.add("noop", { i }, { removeOnComplete: true });
        await job.waitUntilFinished(rawEvents);
        per.push(now() - s);
      }
      return { total: now() - t0, per };
    }
    await rawSequence();
    const raw: { total: number; per: number[] }[] = [];
    for (let i = 0; i < RUNS; i++) raw.push(await rawSequence());
    await rawWorker.close();
    await rawEvents.close();
    await rawQueue.close();
    await rawConn.quit();

    const enginePer = engine.flatMap((r) => r.perStep);
    const rawPer = raw.flatMap((r) => r.per);
    const engineTotal = pct(
      engine.map((r) => r.total),
      50,
    );
    const rawTotal = pct(
      raw.map((r) => r.total),
      50,
    );
    // Judged on whole runs (50 steps against 50 jobs, each timed end to end): a step's own timestamps
    // have millisecond resolution, so per-step medians come out as whole milliseconds.
    const ratio = engineTotal / rawTotal;
    console.log(
      `1. Engine: ${STEPS}-step no-op run on the stack's worker vs ${STEPS} sequential raw BullMQ jobs on the same Redis (${RUNS} runs each)`,
    );
    console.log(
      `   engine   per step: median ${ms(pct(enginePer, 50))}, p95 ${ms(pct(enginePer, 95))}; whole run median ${ms(engineTotal)} (${ms(engineTotal / STEPS)} per step)`,
    );
    console.log(
      `   raw jobs per job:  median ${ms(pct(rawPer, 50))}, p95 ${ms(pct(rawPer, 95))}; 50 jobs median ${ms(rawTotal)} (${ms(rawTotal / STEPS)} per job)`,
    );
    console.log(
      `   goal: engine per step within 2× a raw job, whole run against whole run (${ratio.toFixed(2)}×) → ${ratio <= 2 ? "met" : "NOT met"}\n`,
    );
  }

  // ── 2. SSE fan-out ───────────────────────────────────────────────────────────────────────────
  if (want(2)) {
    const { fork } = await import("node:child_process");
    type Conn = { seqs: number[]; lat: number[] };
    const webPids = () => processTree(stack.web.child.pid!);
    const statusKb = (field: string) =>
      webPids().reduce((sum, pid) => {
        try {
          return (
            sum +
            Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0)
          );
        } catch {
          return sum;
        }
      }, 0);
    const cpuMs = () =>
      webPids().reduce((sum, pid) => {
        try {
          const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
          return sum + ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
        } catch {
          return sum;
        }
      }, 0);
    const viewerToken = (await createApiToken({ db, name: "bench-viewers", role: "viewer" })).token;

    async function fanout(spacingMs: number) {
      const run = await db.run.create({
        data: {
          runbook: "bench-fanout",
          target: `bench-fanout-${spacingMs}-${Math.random().toString(36).slice(2)}`,
          status: "running",
        },
      });
      const u = `${BASE}/api/runs/${run.id}/events`;
      const child = fork(path.join(import.meta.dirname, "sse-clients.ts"), [u, String(CONNECTIONS)], {
        execArgv: ["--import", "tsx"],
        env: { ...process.env, BENCH_TOKEN: viewerToken },
      });
      const ready = await new Promise<{ ms: number }>((resolve) =>
        child.on("message", (m: any) => m.type === "ready" && resolve(m)),
      );
      const rssOpen = statusKb("VmRSS");
      const cpu0 = cpuMs();
      const t0 = now();
      for (let i = 0; i < EVENTS; i++) {
        const records = await appendEvents(db, run.id, [
          { type: "step.output", stepIndex: 0, data: { stream: "stdout", line: `bench line ${i + 1}`, sentAt: now() } },
        ]);
        await publishEvents(redis, records);
        await new Promise((r) => setTimeout(r, spacingMs));
      }
      // Until every viewer has the last event (or 30 s): an event still on its way is late, not lost.
      const result = new Promise<{ conns: Conn[]; waitedMs: number }>((resolve) =>
        child.on("message", (m: any) => m.type === "result" && resolve(m)),
      );
      child.send({ type: "stop", last: EVENTS, timeoutMs: 30_000 });
      const { conns, waitedMs } = await result;
      const seconds = (now() - t0) / 1000;
      const cpu = cpuMs() - cpu0;
      const latencies = conns.flatMap((c) => c.lat);
      let lost = 0;
      let duplicated = 0;
      for (const c of conns) {
        const seen = new Set(c.seqs);
        duplicated += c.seqs.length - seen.size;
        for (let seq = 1; seq <= EVENTS; seq++) if (!seen.has(seq)) lost++;
      }
      return {
        connectMs: ready.ms,
        connected: conns.length,
        latencies,
        lost,
        duplicated,
        waitedMs,
        cpuPct: (cpu / 1000 / seconds) * 100,
        rssMiB: rssOpen / 1024,
      };
    }

    const cases = [
      { perSecond: 20, spacing: 50, goalP99: 100 },
      { perSecond: 100, spacing: 10, goalP99: 250 },
    ];
    console.log(
      `2. SSE fan-out: ${EVENTS} run events to ${CONNECTIONS} console viewers (viewer tokens) on the stack's web process; clients in a separate process; 3 runs per pace`,
    );
    const missed: string[] = [];
    for (const c of cases) {
      for (let i = 1; i <= 3; i++) {
        const r = await fanout(c.spacing);
        const p99 = pct(r.latencies, 99);
        const met = p99 < c.goalP99 && r.lost === 0 && r.duplicated === 0 && r.connected === CONNECTIONS;
        if (!met)
          missed.push(
            `${c.perSecond} events/s run ${i} (p99 ${ms(p99)}, lost ${r.lost}, duplicated ${r.duplicated}, ${r.connected} connected)`,
          );
        console.log(
          `   ${c.perSecond} events/s, run ${i}: ${r.connected} connected in ${ms(r.connectMs)}; publish→receipt p50 ${ms(pct(r.latencies, 50))}, p99 ${ms(p99)}, max ${ms(Math.max(...r.latencies))}; ` +
            `lost ${r.lost}, duplicated ${r.duplicated} (all in ${ms(r.waitedMs)} after the last publish); web process ${r.cpuPct.toFixed(0)}% of a core, ` +
            `RSS ${r.rssMiB.toFixed(0)} MiB with the streams open → goal p99 < ${c.goalP99} ms, none lost or duplicated: ${met ? "met" : "NOT met"}`,
        );
      }
    }
    console.log(`   goal in every run: ${missed.length ? `NOT met in ${missed.join("; ")}` : "met"}\n`);
  }

  // ── 3. sampler cost ──────────────────────────────────────────────────────────────────────────
  if (want(3) || want(4)) {
    const { loadTargets } = await import("../lib/targets/load-targets");
    const { sampleTarget } = await import("../lib/metrics/sample-target");
    const target = loadTargets().targets[0]!;
    const memory = {};
    await sampleTarget(target, memory); // warm-up: connections, JIT
    const N = 30;
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let i = 0; i < N; i++) {
      const c0 = process.cpuUsage();
      const t0 = now();
      await sampleTarget(target, memory);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      wall.push(now() - t0);
    }
    console.log(`\n3. Sampler: one reading of every metric of the demo target (${N} readings; 10 timed probes each)`);
    console.log(
      `   CPU per sample: median ${ms(pct(cpu, 50))}, p95 ${ms(pct(cpu, 95))}; wall time median ${ms(pct(wall, 50))}`,
    );
    console.log(`   at the default 5 s interval that is ${((pct(cpu, 50) / 5000) * 100).toFixed(2)}% of one core`);

    // ── 4. console pages under live metrics ──────────────────────────────────────────────────────
    const { benchConsolePages } = await import("./console-pages");
    const values = await sampleTarget(target, memory);
    const PAGES = 20;
    const READINGS = 60;
    // As on a stack that has run half an hour: every chart's 30-minute window is full.
    const HISTORY_MINUTES = Number(process.env.BENCH_HISTORY_MINUTES ?? 30);
    const c = await benchConsolePages({
      baseUrl: `http://127.0.0.1:${env.PORT}`,
      db,
      redis,
      pages: PAGES,
      readings: READINGS,
      intervalMs: 1000,
      loads: 10,
      values,
      historyMinutes: HISTORY_MINUTES,
      webPids: () => processTree(stack.web.child.pid!),
    });
    const e2s = c.eventToScreen;
    const p95 = pct(e2s, 95);
    console.log(
      `\n4. Console: ${PAGES} incident pages open in Chromium, a metrics reading published every second (${READINGS} readings), ${HISTORY_MINUTES} minutes of readings before (a reading a second)`,
    );
    console.log(
      `   event→screen (publish to the frame showing it): p50 ${ms(pct(e2s, 50))}, p95 ${ms(p95)}, max ${ms(Math.max(...e2s))}; ${e2s.length} shown, ${c.missed} not shown`,
    );
    console.log(
      `   a 21st incident page loading meanwhile (${c.loadToLive.length} loads): DOM ready p50 ${ms(pct(c.loadToDom, 50))}, p95 ${ms(pct(c.loadToDom, 95))}; metrics live p50 ${ms(pct(c.loadToLive, 50))}, p95 ${ms(pct(c.loadToLive, 95))}`,
    );
    console.log(
      `   CPU over ${c.seconds.toFixed(0)} s: web process ${((c.webCpuMs / 1000 / c.seconds) * 100).toFixed(0)}% of a core, Chromium (all pages) ${((c.chromiumCpuMs / 1000 / c.seconds) * 100).toFixed(0)}% of a core`,
    );
    console.log(
      `   goal: event→screen p95 under 1 s with none lost → ${p95 < 1000 && c.missed === 0 ? "met" : "NOT met"}`,
    );
  }

  // ── 5. public status page ────────────────────────────────────────────────────────────────────
  if (want(5)) {
    const commander = (await createApiToken({ db, name: "bench-status", role: "commander" })).token;
    const made = await fetch(`http://127.0.0.1:${env.PORT}/api/incidents`, {
      method: "POST",
      headers: { authorization: `Bearer ${commander}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "Bench incident", severity: "P2", publicTitle: "Slower than usual" }),
    });
    const incidentId = ((await made.json()) as { id: string }).id;
    const { benchStatusPage, printStatusBench } = await import("./status-page");
    const r = await benchStatusPage({
      baseUrl: `http://127.0.0.1:${env.PORT}`,
      databaseUrl: env.DATABASE_URL!,
      commanderToken: commander,
      incidentId,
      webPids: () => processTree(stack.web.child.pid!),
    });
    console.log("");
    printStatusBench(r);
  }

  // ── 6. runners: one and three in one pool ───────────────────────────────────────────────────────
  if (want(6)) {
    const POOL = "bench";
    const BATCH = 40;
    const RUN_STEPS = 10;
    async function batch(): Promise<{ seconds: number; perStep: number[] }> {
      const ids: string[] = [];
      for (let r = 0; r < BATCH; r++) {
        const run = await noopRun(RUN_STEPS, POOL);
        ids.push(run.id);
      }
      const t0 = now();
      await Promise.all(ids.map((id) => enqueueRun(id, POOL)));
      for (;;) {
        const left = await db.run.count({ where: { id: { in: ids }, status: { not: "succeeded" } } });
        if (left === 0) break;
        await new Promise((res) => setTimeout(res, 20));
      }
      const seconds = (now() - t0) / 1000;
      const starts = await db.runEvent.findMany({
        where: { runId: { in: ids }, type: { in: ["step.started", "run.succeeded"] } },
        orderBy: [{ runId: "asc" }, { seq: "asc" }],
        select: { runId: true, createdAt: true },
      });
      const perStep: number[] = [];
      for (let i = 1; i < starts.length; i++)
        if (starts[i]!.runId === starts[i - 1]!.runId)
          perStep.push(starts[i]!.createdAt.getTime() - starts[i - 1]!.createdAt.getTime());
      return { seconds, perStep };
    }
    const { startProcess, workerArgv } = await import("../scripts/stack");
    const runners: { stop: () => Promise<void> }[] = [];
    const addRunner = async () => {
      const n = runners.length + 1;
      runners.push(
        startProcess(`runner-${n}`, [...workerArgv(), "--pool", POOL], env, {
          logFile: path.join(logDir, `bench-runner-${n}.log`),
        }),
      );
      // Ready when its heartbeat is in Redis.
      const { liveRunners } = await import("../lib/health");
      for (let i = 0; i < 200 && ((await liveRunners(redis))[POOL]?.length ?? 0) < n; i++)
        await new Promise((r) => setTimeout(r, 100));
    };
    // A step is a commit or two: runs per second follow how fast this machine's Postgres commits
    // (its disk's flush), so the figure is printed beside it.
    const commitsPerSecond = await (async () => {
      await db.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS bench_commits (n int)`);
      const N = 500;
      const t0 = now();
      for (let i = 0; i < N; i++) await db.$executeRawUnsafe(`INSERT INTO bench_commits VALUES ($1)`, i);
      const rate = N / ((now() - t0) / 1000);
      await db.$executeRawUnsafe(`DROP TABLE bench_commits`);
      return rate;
    })();
    console.log(
      `\n6. runners in one pool: ${BATCH} runs of ${RUN_STEPS} no-op steps enqueued at once (each runner runs ${env.WORKER_CONCURRENCY ?? 4} at a time); this Postgres commits ${commitsPerSecond.toFixed(0)} single-row transactions/s on one connection`,
    );
    try {
      for (const count of [1, 3]) {
        while (runners.length < count) await addRunner();
        await batch(); // warm-up
        const rounds = [await batch(), await batch()];
        const rates = rounds.map((r) => BATCH / r.seconds);
        const steps = rounds.flatMap((r) => r.perStep);
        console.log(
          `   ${count} runner${count === 1 ? " " : "s"}: ${rates.map((r) => `${r.toFixed(1)} runs/s`).join(", ")} (two rounds); per step p50 ${ms(pct(steps, 50))}, p95 ${ms(pct(steps, 95))}`,
        );
      }
    } finally {
      await Promise.allSettled(runners.map((r) => r.stop()));
    }
  }
  // ── 7. the autopilot ────────────────────────────────────────────────────────────────────────
  if (want(7)) {
    const admin = (await createApiToken({ db, name: "bench-autopilot", role: "admin" })).token;
    const count = Number(process.env.BENCH_DEPLOYS ?? 10);
    console.log(
      `\n7. autopilot "act" on the demo, the whole stack running: ${count} deploys of each kind, one after another (a watch of ${AUTOPILOT_BENCH.watchMinutes * 60} s, a baseline of ${AUTOPILOT_BENCH.baselineMinutes * 60} s, a ${AUTOPILOT_BENCH.vetoSeconds} s veto window)`,
    );
    const { benchAutopilot, printAutopilotBench } = await import("./autopilot");
    const r = await benchAutopilot({
      baseUrl: BASE,
      db,
      adminToken: admin,
      count,
      baselineMs: AUTOPILOT_BENCH.baselineMinutes * 60_000,
    });
    printAutopilotBench(r, { vetoSeconds: AUTOPILOT_BENCH.vetoSeconds });
  }
  // ── 8. point-in-time recovery ───────────────────────────────────────────────────────────────
  if (want(8)) {
    console.log(
      `\n8. point-in-time recovery on a cluster of the bench's own, the whole stack running: restore beside to a moment, compare, against the dump restore of the same data`,
    );
    const { benchPitr, printPitrBench } = await import("./pitr");
    printPitrBench(await benchPitr());
  }
} finally {
  await Promise.allSettled(stack.all.map((p) => p.stop()));
  await stopDemo(demo);
}
await Promise.allSettled([db.$disconnect(), redis.quit(), runQueue().close()]);
await services.stop();
process.exit(0);
