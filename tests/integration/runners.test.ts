import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startProcess, workerArgv, type Proc } from "../../scripts/stack";
import { api, backoutSql, bearer, env, isAlive, sql, startRun, waitForRun } from "./support/api";
import { REMOTE, WORKER_PID_FILE } from "./support/env";

// Runner pools: target "remote" is acted on only by runners of pool "far". The stack's own worker
// serves pool "local" (demo, standby); this file starts and kills far runners, each with its own
// data folder, as if on another host.

const far: Proc[] = [];
const logDir = path.join(env.BACKOUT_DATA_DIR!, "logs");

function startFarRunner(n: number, databaseUrl = env.DATABASE_URL!): Proc {
  const dataDir = path.join(env.BACKOUT_DATA_DIR!, `runner-far-${n}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const proc = startProcess(
    `far-${n}`,
    [...workerArgv(), "--pool", "far"],
    { ...env, BACKOUT_DATA_DIR: dataDir, DATABASE_URL: databaseUrl },
    { logFile: path.join(logDir, `runner-far-${n}.log`) },
  );
  far.push(proc);
  return proc;
}

afterAll(async () => {
  await Promise.all(far.map((p) => p.stop()));
});

const stepsOf = (runId: string) =>
  backoutSql<{ index: number; status: string; runner: string | null }>(
    `SELECT index, status, runner FROM steps WHERE "runId" = $1 ORDER BY index`,
    [runId],
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}
const farPools = async () =>
  ((await api("GET", "/health")).body.checks.worker.detail.pools as Record<string, number>).far;

describe("runner pools", () => {
  it("a run for a pool with no runner waits, says so, is not taken by another pool, and can be cancelled", async () => {
    const id = await startRun("cache", { warm: false }, { target: REMOTE });
    const run = await api("GET", `/api/runs/${id}`, undefined, bearer("viewer"));
    expect(run.body.pool).toBe("far");
    expect(run.body.waitingForRunner).toMatchObject({ pool: "far" });
    expect(run.body.waitingForRunner.message).toMatch(/npm run worker -- --pool far/);
    const health = await api("GET", "/health");
    expect(health.status).toBe(200);
    expect(health.body.checks.worker.detail.pools).toMatchObject({ local: 1, far: 0 });
    expect(health.body.checks.worker.detail.waiting.join()).toMatch(/no runner on pool far/);
    // The local runner, alive and idle, leaves it alone, even when a job for it is put on its queue by hand.
    const { Queue } = await import("bullmq");
    const { Redis } = await import("ioredis");
    const connection = new Redis(env.REDIS_URL!, { maxRetriesPerRequest: null });
    const localQueue = new Queue("runs", { connection, prefix: `{${env.BACKOUT_REDIS_PREFIX}}` });
    await localQueue.add("execute-run", { runId: id }, { jobId: `${id}-by-hand` });
    await sleep(2500);
    await localQueue.close();
    connection.disconnect();
    expect((await api("GET", `/api/runs/${id}`)).body.status).toBe("queued");
    const cancelled = await api("POST", `/api/runs/${id}/cancel`, {}, bearer("engineer"));
    expect(cancelled.body.status).toBe("cancelled");
  });

  it("starts as soon as a runner of its pool comes up; each step records the runner that executed it", async () => {
    const id = await startRun("cache", { warm: false }, { target: REMOTE });
    await sleep(1000);
    expect((await api("GET", `/api/runs/${id}`)).body.status).toBe("queued");
    const runner = startFarRunner(1);
    expect((await waitForRun(id)).status).toBe("succeeded");
    const steps = await stepsOf(id);
    expect(steps.length).toBeGreaterThan(0);
    for (const s of steps) expect(s.runner, `step ${s.index}`).toMatch(new RegExp(`:${runner.child.pid}:`));
    await until("the far runner's heartbeat", async () => (await farPools()) === 1);
    // Shown to engineers on the run; not to viewers.
    expect((await api("GET", `/api/runs/${id}`, undefined, bearer("engineer"))).body.steps[0].runner).toMatch(/:/);
    expect((await api("GET", `/api/runs/${id}`, undefined, bearer("viewer"))).body.steps[0].runner).toBeNull();
    // A run on a local target is executed by the local runner, never by the far one.
    const local = await startRun("cache", { warm: false });
    expect((await waitForRun(local)).status).toBe("succeeded");
    const localPid = fs.readFileSync(WORKER_PID_FILE(env), "utf8").trim();
    for (const s of await stepsOf(local)) expect(s.runner).toMatch(new RegExp(`:${localPid}:`));
  });

  it("a killed runner's pool waits for another of its own; the local pool goes on meanwhile", async () => {
    const first = far.at(-1)!;
    first.child.kill("SIGKILL");
    await until("the far runner to die", async () => !isAlive(first.child.pid!));
    // A run held by nobody, two waits long, for pool far (made directly: nothing on the demo is touched).
    const [run] = await backoutSql<{ id: string }>(
      `INSERT INTO runs (runbook, target, pool, status) VALUES ('cache', $1, 'far', 'queued') RETURNING id`,
      [REMOTE],
    );
    const wait = (i: number) =>
      JSON.stringify({ kind: "wait", key: `wait-${i}`, name: `Wait ${i}`, ms: 2500, isIdempotent: true });
    for (const i of [0, 1])
      await backoutSql(
        `INSERT INTO steps ("runId", index, key, name, kind, spec, "isIdempotent") VALUES ($1, $2, $3, $4, 'wait', $5::jsonb, true)`,
        [run!.id, i, `wait-${i}`, `Wait ${i}`, wait(i)],
      );
    // The local pool works while far has no runner.
    const local = await startRun("cache", { warm: false });
    expect((await waitForRun(local)).status).toBe("succeeded");
    expect((await api("GET", `/api/runs/${run!.id}`)).body.status).toBe("queued");

    // A far runner takes it; killed mid-step, only another far runner takes it over.
    const second = startFarRunner(2);
    const held = await until("step 0 running on the second far runner", async () => {
      const [s] = await stepsOf(run!.id);
      return s?.status === "running" && s.runner?.includes(`:${second.child.pid}:`) ? s : null;
    });
    expect(held.runner).toMatch(/:/);
    second.child.kill("SIGKILL");
    // Past its lease (3 s here) the run is free; the local runner, alive, must not take it.
    await sleep(5000);
    const [orphan] = await backoutSql<{ status: string; claimedBy: string | null }>(
      `SELECT status, "claimedBy" FROM runs WHERE id = $1`,
      [run!.id],
    );
    expect(orphan!.status).toBe("running");
    expect(orphan!.claimedBy ?? "").toMatch(new RegExp(`:${second.child.pid}:`)); // still the dead one's, expired
    const third = startFarRunner(3);
    expect((await waitForRun(run!.id)).status).toBe("succeeded");
    const steps = await stepsOf(run!.id);
    expect(steps.map((s) => s.status)).toEqual(["succeeded", "succeeded"]);
    // The interrupted wait is idempotent: re-run by the third far runner, as was the next.
    for (const s of steps) expect(s.runner).toMatch(new RegExp(`:${third.child.pid}:`));
    const resumed = await backoutSql<{ data: { by: string } }>(
      `SELECT data FROM run_events WHERE "runId" = $1 AND type = 'run.resumed'`,
      [run!.id],
    );
    expect(resumed.map((e) => e.data.by)).toEqual([expect.stringMatching(new RegExp(`:${third.child.pid}:`))]);
  });

  it("a runner logged in as a member of backout_runner (made by the migrations) does its work, and reads nothing else", async () => {
    for (const p of far) p.child.kill("SIGKILL");
    await backoutSql(
      `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'backout_runner_test') THEN CREATE ROLE backout_runner_test LOGIN IN ROLE backout_runner; END IF; END $$`,
    );
    const url = new URL(env.DATABASE_URL!);
    url.username = "backout_runner_test";
    url.password = "";
    // What the role may not read: people, credentials, the audit table, messages.
    for (const table of ["users", "sessions", "api_tokens", "audit_entries", "messages"])
      await expect(sql(url.toString(), `SELECT count(*) FROM ${table}`), table).rejects.toThrow(/permission denied/);
    // What it may write: the engine's columns, never a step's command or a gate's decision.
    await expect(sql(url.toString(), `UPDATE steps SET spec = '{}'::jsonb WHERE false`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(sql(url.toString(), `UPDATE runs SET "cancelRequested" = true WHERE false`)).rejects.toThrow(
      /permission denied/,
    );
    const [gated] = await backoutSql<{ id: string }>(
      `INSERT INTO runs (runbook, target, pool, status) VALUES ('db-restore', $1, 'far', 'waiting_approval') RETURNING id`,
      [REMOTE],
    );
    const [gate] = await backoutSql<{ id: string }>(
      `INSERT INTO steps ("runId", index, key, name, kind, spec, status) VALUES ($1, 0, 'approve', 'Approve', 'approval-gate', '{"kind":"approval-gate","key":"approve","name":"Approve","prompt":"Restore?"}', 'waiting_approval') RETURNING id`,
      [gated!.id],
    );
    await expect(
      sql(url.toString(), `UPDATE steps SET result = '{"decision":"approved"}'::jsonb WHERE id = $1`, [gate!.id]),
    ).rejects.toThrow(/may not decide an approval gate/);
    await backoutSql(`UPDATE runs SET status = 'cancelled', "finishedAt" = now() WHERE id = $1`, [gated!.id]);
    const runner = startFarRunner(4, url.toString());
    // A run from an incident: the runner also moves the incident (its status and its timeline).
    const declared = await api(
      "POST",
      "/api/incidents",
      { title: "Remote cache serves stale data", severity: "P2", target: REMOTE },
      bearer("commander"),
    );
    expect(declared.status).toBe(201);
    const id = await startRun(
      "cache",
      { warm: false },
      {
        target: REMOTE,
        incidentId: declared.body.id,
        checkpointOverride: { reason: "a test of the runner's database role, not a real incident" },
      },
    );
    expect((await waitForRun(id)).status).toBe("succeeded");
    for (const s of await stepsOf(id)) expect(s.runner).toMatch(new RegExp(`:${runner.child.pid}:`));
    const incident = await api("GET", `/api/incidents/${declared.body.id}`);
    expect(incident.body.status).toBe("monitoring");
    const log = fs.readFileSync(path.join(logDir, "runner-far-4.log"), "utf8");
    expect(log).not.toMatch(/permission denied/);
    await api(
      "PATCH",
      `/api/incidents/${declared.body.id}`,
      { status: "resolved", summary: "test", confirmUnticked: true },
      bearer("commander"),
    );
  });
});
