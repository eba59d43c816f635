import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { privatePostgres, redisServerArgs } from "../../scripts/stack";
import {
  api,
  backoutSql,
  env,
  lockCount,
  readSse,
  startRun,
  stepByKey,
  waitForHealthy,
  waitForRun,
} from "./support/api";

// The integration tier runs on a private Redis (see scripts/stack-env.ts), so restarting it here
// touches nothing else on the machine.
const port = new URL(env.REDIS_URL!).port;

/** When the PostgreSQL server the tier uses last started (it retries while the server comes back). */
async function postmasterStart(): Promise<string> {
  for (let i = 0; ; i++) {
    try {
      const [row] = await backoutSql<{ at: string }>(`SELECT pg_postmaster_start_time()::text AS at`);
      return row!.at;
    } catch (e) {
      if (i > 100) throw e;
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}

async function stopRedis() {
  const r = new Redis(env.REDIS_URL!, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on("error", () => {});
  await r.shutdown("NOSAVE").catch(() => {});
  r.disconnect();
  for (let i = 0; i < 50; i++) {
    const probe = new Redis(env.REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    const up = await probe.connect().then(
      () => true,
      () => false,
    );
    probe.disconnect();
    if (!up) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error("Redis did not stop");
}

async function startRedis() {
  const dir = path.join(env.BACKOUT_DATA_DIR!, "redis");
  fs.mkdirSync(dir, { recursive: true });
  spawn("redis-server", redisServerArgs(port, dir), { stdio: "ignore", detached: true }).unref();
  for (let i = 0; i < 100; i++) {
    const probe = new Redis(env.REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    const up = await probe.connect().then(
      () => probe.ping(),
      () => null,
    );
    probe.disconnect();
    if (up === "PONG") return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error("Redis did not start");
}

describe("Redis restarting (it keeps nothing: queue, heartbeats and pub/sub are all gone)", () => {
  it("a run in flight finishes with its whole record, live viewers get every event, and new starts fail clearly meanwhile", async () => {
    const id = await startRun("emergency", { release: "v1.0.0" });
    const viewer = readSse(id, {
      stop: (evs) => evs.some((e) => e.type === "run.succeeded" || e.type === "run.failed"),
      timeoutMs: 120_000,
    });
    await waitForRun(id, (r) => stepByKey(r, "wait-start").status === "running");

    await stopRedis();
    // Starting a run needs the queue: a clear 503, and nothing is left locked or queued.
    const before = await lockCount();
    const refused = await api("POST", "/api/runs", { runbook: "db-backup", target: "demo" });
    expect(refused.status).toBe(409); // the emergency run still holds the target
    expect(before).toBe(1);
    await new Promise((res) => setTimeout(res, 1000));
    await startRedis();

    const run = await waitForRun(id, undefined, 120_000);
    expect(run.status, run.error).toBe("succeeded");
    expect(run.steps.every((s: { attempts: number }) => s.attempts === 1)).toBe(true);
    const events = await backoutSql<{ seq: number }>(`SELECT seq FROM run_events WHERE "runId" = $1 ORDER BY seq`, [
      id,
    ]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    // The viewer connected before the restart saw everything, in order, once.
    const seen = (await viewer).ids;
    expect(seen).toEqual(events.map((e) => e.seq));

    // The worker's heartbeat comes back, so /health does.
    expect(await waitForHealthy()).toBe(200);
    const after = await startRun("db-backup");
    expect((await waitForRun(after)).status).toBe("succeeded");
  });

  it("with Redis down a start is refused with 503 naming Redis, and leaves no lock behind", async () => {
    const since = (await backoutSql<{ now: Date }>(`SELECT now()`))[0]!.now;
    await stopRedis();
    try {
      const res = await api("POST", "/api/runs", { runbook: "db-backup" });
      expect(res.status).toBe(503);
      expect(res.body.error).toMatch(/Redis/);
      expect(await lockCount()).toBe(0);
      const [last] = await backoutSql<{ status: string; error: string }>(
        `SELECT status, error FROM runs WHERE "createdAt" >= $1 ORDER BY "createdAt" DESC LIMIT 1`,
        [since],
      );
      expect(last).toMatchObject({ status: "failed" });
    } finally {
      await startRedis();
    }
    expect(await waitForHealthy()).toBe(200);
  });
});

describe("Postgres restarting mid-run", () => {
  // The integration tier runs on a private PostgreSQL cluster too (scripts/stack-env.ts), started by
  // its global setup: restarting it here touches nothing else on the machine.
  it("loses no recorded data: the worker retries its writes until the database is back and the run finishes", async () => {
    const cluster = privatePostgres(env);
    expect(cluster, "PostgreSQL's initdb and pg_ctl are installed").toBeDefined();
    expect(env.BACKOUT_PG_DIR, "the integration tier has a private cluster").toBeDefined();
    expect(new URL(env.DATABASE_URL!).port).not.toBe("5432");
    const startedAt = await postmasterStart();
    const id = await startRun("emergency", { release: "v1.0.0" });
    await waitForRun(id, (r) => stepByKey(r, "wait-start").status === "running");
    cluster!.ctl(["restart", "-m", "fast", "-w"]);
    // It really restarted: a new postmaster.
    expect(await postmasterStart()).not.toEqual(startedAt);

    let run: any;
    for (let i = 0; i < 240; i++) {
      const res = await api("GET", `/api/runs/${id}`).catch(() => null);
      if (res?.status === 200 && ["succeeded", "failed", "cancelled", "needs_attention"].includes(res.body.status)) {
        run = res.body;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(run?.status, run?.error).toBe("succeeded");
    const events = await backoutSql<{ seq: number; type: string }>(
      `SELECT seq, type FROM run_events WHERE "runId" = $1 ORDER BY seq`,
      [id],
    );
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    for (const s of run.steps) {
      expect(events.filter((e) => e.type === "step.succeeded").length).toBeGreaterThanOrEqual(1);
      expect(s.status).toBe("succeeded");
    }
    await api("POST", "/api/queue/resume-all");
  });
});
