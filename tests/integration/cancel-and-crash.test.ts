import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import {
  WORKER_PID_FILE,
  api,
  backoutSql,
  bearer,
  lockCount,
  demoSql,
  demoVersion,
  env,
  isAlive,
  killWorker,
  runToEnd,
  startRun,
  startWorker,
  stepByKey,
  waitForRun,
  restoreDemo,
  waitForHealthy,
} from "./support/api";
import { runProcess } from "@/lib/steps/spawn";
import { StepAbort } from "@/lib/steps/context";

beforeAll(restoreDemo);
afterAll(restoreDemo);

afterAll(async () => {
  await api("POST", "/api/maintenance/disable");
  await api("POST", "/api/queue/resume-all");
});

const stepIs = (key: string, status: string) => (r: any) =>
  r.steps.find((s: any) => s.key === key)?.status === status || ["failed", "succeeded", "cancelled"].includes(r.status);

describe("cancel", () => {
  it("stops the running step and releases the target", async () => {
    const id = await startRun("emergency", { release: "v1.0.0" });
    await waitForRun(id, stepIs("wait-start", "running"));
    const started = Date.now();
    const res = await api("POST", `/api/runs/${id}/cancel`, {});
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("cancelling");
    const run = await waitForRun(id);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(run.status).toBe("cancelled");
    expect(stepByKey(run, "wait-start").status).toBe("cancelled");
    expect(stepByKey(run, "verify-health").status).toBe("skipped");
    const n = await lockCount();
    expect(n).toBe(0);
    await api("POST", "/api/queue/resume-all");
  });

  it("cancels a run waiting at its approval gate at once", async () => {
    const backups = (await api("GET", "/api/backups")).body.backups;
    if (backups.length === 0) await runToEnd("db-backup");
    const backup = (await api("GET", "/api/backups")).body.backups[0].name;
    const id = await startRun("db-restore", { backup });
    await waitForRun(id, (r) => r.status === "waiting_approval");
    expect((await api("POST", `/api/runs/${id}/cancel`, {})).body.status).toBe("cancelled");
    const run = (await api("GET", `/api/runs/${id}`)).body;
    expect(run.status).toBe("cancelled");
    expect(stepByKey(run, "approve").status).toBe("cancelled");
    await api("POST", "/api/maintenance/disable");
    await api("POST", "/api/queue/resume-all");
  });

  it("starts a step's command only once its pid is on record: if recording fails, the command never runs", async () => {
    const marker = `/tmp/backout-gate-${process.pid}-${Date.now()}`;
    const ctx = {
      signal: new AbortController().signal,
      output: () => {},
      progress: () => {},
      onSpawn: async () => {
        throw new Error("the worker died before the pid was written");
      },
    };
    await expect(runProcess({ argv: ["sh", "-c", `touch ${marker}`] }, ctx)).rejects.toThrow(/the worker died/);
    await new Promise((r) => setTimeout(r, 300));
    expect(fs.existsSync(marker)).toBe(false);
    // And a worker process that dies while the gate is shut takes the command with it: the gate's pipe closes.
    const script = `import { spawn } from "node:child_process";
const c = spawn("/bin/sh", ["-c", 'IFS= read -r _ <&3 || exit 125; exec 3<&-; exec "$@"', "sh", "sh", "-c", "touch ${marker}"], { detached: true, stdio: ["ignore", "ignore", "ignore", "pipe"] });
c.unref();
setTimeout(() => process.exit(0), 100);`;
    execFileSync(process.execPath, ["--input-type=module", "-e", script]);
    await new Promise((r) => setTimeout(r, 500));
    expect(fs.existsSync(marker)).toBe(false);
  });

  it("never starts a command cancelled while its pid was being recorded", async () => {
    const marker = `/tmp/backout-gate-cancel-${process.pid}-${Date.now()}`;
    const ctrl = new AbortController();
    const ctx = {
      signal: ctrl.signal,
      output: () => {},
      progress: () => {},
      // The cancel lands while the pid write is in flight (before the abort listener is attached).
      onSpawn: async () => {
        ctrl.abort(new StepAbort("cancelled", "cancelled meanwhile"));
        await new Promise((r) => setTimeout(r, 50));
      },
    };
    await expect(runProcess({ argv: ["sh", "-c", `touch ${marker}`] }, ctx)).rejects.toThrow(/cancelled meanwhile/);
    await new Promise((r) => setTimeout(r, 300));
    expect(fs.existsSync(marker)).toBe(false);
  });

  it("kills the whole process group of a shell step, children included", async () => {
    const ctrl = new AbortController();
    let pid = 0;
    const running = runProcess(
      { argv: ["sh", "-c", "sleep 300 & sleep 300 & wait"] },
      {
        signal: ctrl.signal,
        output: () => {},
        progress: () => {},
        onSpawn: (p) => {
          pid = p;
        },
      },
    );
    await new Promise((r) => setTimeout(r, 300));
    // Live (not zombie) members of the step's process group.
    const group = () =>
      execFileSync("ps", ["-eo", "pgid=,stat="])
        .toString()
        .split("\n")
        .map((l) => l.trim().split(/\s+/))
        .filter(([g, st]) => g === String(pid) && !st?.startsWith("Z"));
    expect(group().length).toBeGreaterThanOrEqual(3);
    ctrl.abort(new StepAbort("cancelled", "cancelled"));
    await expect(running).rejects.toThrow(/cancelled/);
    await new Promise((r) => setTimeout(r, 200));
    expect(group()).toEqual([]);
  });

  it("times a step out, killing it, and says so", async () => {
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(new StepAbort("timeout", "timed out after 0s")), 200);
    await expect(
      runProcess({ argv: ["sleep", "30"] }, { signal: ctrl.signal, output: () => {}, progress: () => {} }),
    ).rejects.toThrow(/timed out/);
  });
});

describe("crash safety: kill -9 the worker mid-step", () => {
  it("re-runs an interrupted idempotent step and never repeats finished ones", async () => {
    const id = await startRun("emergency", { release: "v1.0.0" });
    await waitForRun(id, stepIs("wait-start", "running"));
    const before = (await api("GET", `/api/runs/${id}`)).body;
    const oldPid = killWorker();
    await new Promise((r) => setTimeout(r, 300));
    expect(isAlive(oldPid)).toBe(false);
    expect(stepByKey((await api("GET", `/api/runs/${id}`)).body, "wait-start").status).toBe("running");
    // With no worker left, the run page says so once the dead worker's hold lapses ("worker lost, resuming").
    const lost = await waitForRun(id, (r) => r.isWorkerLost === true || r.status !== "running", 10_000);
    expect(lost.isWorkerLost).toBe(true);
    startWorker();

    const run = await waitForRun(id, undefined, 90_000);
    expect(run.status, run.error).toBe("succeeded");
    const finishedBefore = before.steps.filter((s: any) => s.status === "succeeded" || s.status === "failed");
    expect(finishedBefore.length).toBeGreaterThanOrEqual(5);
    for (const s of finishedBefore) expect(stepByKey(run, s.key).attempts, s.key).toBe(s.attempts);
    expect(stepByKey(run, "wait-start").attempts).toBe(2);
    const events = await backoutSql<{ seq: number; type: string; data: any }>(
      `SELECT seq, type, data FROM run_events WHERE "runId" = $1 ORDER BY seq`,
      [id],
    );
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.some((e) => e.type === "step.retrying" && /interrupted/.test(e.data.reason))).toBe(true);
    await api("POST", "/api/queue/resume-all");
  });

  it("a second worker takes over a killed worker's run within 5 s, and the timeline says so", async () => {
    const id = await startRun("emergency", { release: "v1.0.0" });
    await waitForRun(id, stepIs("wait-start", "running"));
    const firstPid = Number(fs.readFileSync(WORKER_PID_FILE(env), "utf8"));
    startWorker(); // the one that stays (its pid is now the one on file)
    await new Promise((r) => setTimeout(r, 2500)); // started and reconciling
    const killedAt = (await backoutSql<{ now: Date }>(`SELECT now()`))[0]!.now;
    process.kill(firstPid, "SIGKILL");

    const run = await waitForRun(id, undefined, 90_000);
    expect(run.status, run.error).toBe("succeeded");
    const [resumed] = await backoutSql<{ createdAt: Date; data: any }>(
      `SELECT "createdAt", data FROM run_events WHERE "runId" = $1 AND type = 'run.resumed' ORDER BY seq LIMIT 1`,
      [id],
    );
    expect(resumed?.data.reason).toMatch(/worker running it was lost/);
    expect(resumed!.createdAt.getTime() - killedAt.getTime()).toBeLessThan(5000);
    await api("POST", "/api/queue/resume-all");
  });

  it("stops at an interrupted non-idempotent step as needs attention, naming it; then §5.1 schema rollback succeeds", async () => {
    expect((await runToEnd("deploy", { release: "v1.1.0" })).status).toBe("succeeded");
    const hasPriority = async () =>
      (
        await demoSql(
          `SELECT 1 FROM information_schema.columns WHERE table_name = 'projects' AND column_name = 'priority'`,
        )
      ).length === 1;
    expect(await hasPriority()).toBe(true);

    const id = await startRun("db-schema", { migration: "0002_add_priority.down.sql" });
    await waitForRun(id, (r) => r.status === "waiting_approval");
    // Hold the table so the down migration blocks mid-step.
    const holder = new pg.Client({ connectionString: env.DEMO_DATABASE_URL });
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query("LOCK TABLE projects IN ACCESS EXCLUSIVE MODE");
    try {
      // Approved by a second person: the admin token started it.
      await api("POST", `/api/runs/${id}/approve`, {}, bearer("commander"));
      const mid = await waitForRun(id, stepIs("apply-down-migration", "running"));
      expect(stepByKey(mid, "apply-down-migration").isIdempotent).toBe(false);
      await new Promise((r) => setTimeout(r, 500));
      killWorker();
      startWorker();
      const run = await waitForRun(id, undefined, 90_000);
      expect(run.status).toBe("needs_attention");
      expect(run.error).toContain("Apply 0002_add_priority.down.sql");
      expect(run.error).toMatch(/interrupted/);
      expect(stepByKey(run, "apply-down-migration")).toMatchObject({ status: "failed", attempts: 1 });
      expect(stepByKey(run, "verify-database").status).toBe("skipped");
      const n = await lockCount();
      expect(n).toBe(0);
    } finally {
      await holder.query("ROLLBACK");
      await holder.end();
    }
    // The orphaned psql was killed with its group, so nothing was half-applied.
    await new Promise((r) => setTimeout(r, 500));
    expect(await hasPriority()).toBe(true);

    // Now the schema rollback for real.
    const retry = await startRun("db-schema", { migration: "0002_add_priority.down.sql" });
    await waitForRun(retry, (r) => r.status === "waiting_approval");
    await api("POST", `/api/runs/${retry}/approve`, {}, bearer("commander"));
    const done = await waitForRun(retry);
    expect(done.status, done.error).toBe("succeeded");
    expect(await hasPriority()).toBe(false);
    expect(stepByKey(done, "backup-before-rollback").result.name).toMatch(/^backup_before_rollback_/);

    expect((await runToEnd("app-code", { release: "v1.0.0" })).status).toBe("succeeded");
    expect(await demoVersion()).toBe("1.0.0");
  });

  it("GET /health answers 503 naming the worker when none is alive", async () => {
    const pid = killWorker();
    await new Promise((r) => setTimeout(r, 200));
    expect(isAlive(pid)).toBe(false);
    const { Redis } = await import("ioredis");
    const r = new Redis(env.REDIS_URL!);
    const keys = await r.keys(`{${env.BACKOUT_REDIS_PREFIX}}:runner:*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
    const res = await api("GET", "/health");
    expect(res.status).toBe(503);
    expect(res.body.down).toEqual(["worker"]);
    expect(res.body.error).toMatch(/worker/);
    expect(res.body.error).toMatch(/npm run worker/);
    // Anonymous callers learn what is down in plain words, nothing more.
    const anonymous = await api("GET", "/health", undefined, {});
    expect(anonymous.status).toBe(503);
    expect(anonymous.body).toEqual({
      status: "down",
      down: ["worker"],
      checks: {
        database: { ok: true, ms: expect.any(Number) },
        redis: { ok: true, ms: expect.any(Number) },
        worker: { ok: false, error: "no worker is alive" },
      },
      error: "down: no worker is alive",
    });
    startWorker();
    expect(await waitForHealthy(10_000)).toBe(200);
  });
});
