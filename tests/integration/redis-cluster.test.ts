import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProcess, waitForHttp, webArgv, workerArgv, type Proc } from "../../scripts/stack";
import { backoutSql, bearer, env, readEvents } from "./support/api";
import { REMOTE } from "./support/env";

// Backout on a Redis Cluster: three redis-server nodes started here, a web process and a runner of
// pool far pointed at them (REDIS_CLUSTER_NODES), sharing the test database. Queues, locks, the
// sign-in throttle's MULTI, pub/sub (live events) and the heartbeats' SCAN all run on the cluster.

const base = Number(env.PORT) + 71;
const ports = [base, base + 1, base + 2];
const nodes = ports.map((p) => `127.0.0.1:${p}`).join(",");
const dir = path.join(env.BACKOUT_DATA_DIR!, "redis-cluster");
const web = `http://127.0.0.1:${Number(env.PORT) + 60}`;
const servers: ChildProcess[] = [];
const procs: Proc[] = [];
let cluster: Cluster;

beforeAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const port of ports) {
    const d = path.join(dir, String(port));
    fs.mkdirSync(d, { recursive: true });
    const server = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        "nodes.conf",
      ].concat(["--dir", d, "--save", "", "--appendonly", "no"]),
      { stdio: "ignore" },
    );
    servers.push(server);
  }
  for (const port of ports) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        if (execFileSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" }).trim() === "PONG") break;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  execFileSync(
    "redis-cli",
    ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"],
    { stdio: "ignore" },
  );
  const deadline = Date.now() + 20_000;
  while (
    !execFileSync("redis-cli", ["-p", String(base), "cluster", "info"], { encoding: "utf8" }).includes(
      "cluster_state:ok",
    )
  ) {
    if (Date.now() > deadline) throw new Error("the cluster did not come up");
    await new Promise((r) => setTimeout(r, 200));
  }
  cluster = new Cluster(ports.map((port) => ({ host: "127.0.0.1", port })));
  const onCluster = { ...env, REDIS_CLUSTER_NODES: nodes };
  const logDir = path.join(env.BACKOUT_DATA_DIR!, "logs");
  const runnerDir = path.join(env.BACKOUT_DATA_DIR!, "runner-cluster");
  fs.mkdirSync(runnerDir, { recursive: true });
  procs.push(
    startProcess(
      "runner-c",
      [...workerArgv(), "--pool", "far"],
      { ...onCluster, BACKOUT_DATA_DIR: runnerDir },
      { logFile: path.join(logDir, "runner-cluster.log") },
    ),
  );
  const port = String(Number(env.PORT) + 60);
  procs.push(
    startProcess(
      "web-c",
      webArgv(port),
      { ...onCluster, PORT: port },
      { logFile: path.join(logDir, "web-cluster.log") },
    ),
  );
  await waitForHttp(`${web}/health`, { timeoutMs: 90_000 });
}, 180_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  cluster?.disconnect();
  for (const s of servers) s.kill("SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("on a three-node Redis Cluster", () => {
  it("sees the runner's heartbeat (SCAN over every master)", async () => {
    const health = await (await fetch(`${web}/health`, { headers: bearer() })).json();
    expect(health.status).toBe("ok");
    expect(health.checks.worker.detail.pools.far).toBe(1);
  });

  it("runs a run end to end: queued on the cluster, executed by the runner, every event seen live in order", async () => {
    const started = await fetch(`${web}/api/runs`, {
      method: "POST",
      headers: { ...bearer(), "content-type": "application/json" },
      body: JSON.stringify({ runbook: "cache", target: REMOTE, params: { warm: false } }),
    });
    expect(started.status).toBe(201);
    const id = ((await started.json()) as { id: string }).id;
    const seen = await readEvents(`${web}/api/runs/${id}/events`, {
      stop: (evs) => evs.some((e) => ["run.succeeded", "run.failed"].includes(e.type)),
      timeoutMs: 60_000,
      as: "engineer",
    });
    expect(seen.events.at(-1).type).toBe("run.succeeded");
    const recorded = await backoutSql<{ seq: number }>(`SELECT seq FROM run_events WHERE "runId" = $1 ORDER BY seq`, [
      id,
    ]);
    expect(seen.ids).toEqual(recorded.map((e) => e.seq));
    const steps = await backoutSql<{ runner: string }>(`SELECT runner FROM steps WHERE "runId" = $1`, [id]);
    expect(steps.every((s) => /:/.test(s.runner))).toBe(true);
  });

  it("keeps every Backout key in one slot (the hash-tagged prefix), as BullMQ and MULTI need", async () => {
    // Sign-in guesses: the throttle's MULTI on the cluster counts them and refuses past ten.
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await fetch(`${web}/api/auth/sign-in`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: web },
        body: JSON.stringify({ email: "cluster-guess@example.com", password: `guess ${i}` }),
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    const keys: string[] = [];
    for (const node of cluster.nodes("master")) keys.push(...(await node.keys(`{${env.BACKOUT_REDIS_PREFIX}}*`)));
    expect(keys.some((k) => k.includes(":runs-far:"))).toBe(true);
    expect(keys.some((k) => k.includes(":sign-in:"))).toBe(true);
    const slots = new Set(await Promise.all(keys.map((k) => cluster.cluster("KEYSLOT", k))));
    expect(slots.size).toBe(1);
  });
});
