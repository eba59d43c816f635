import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceDir, startProcess, waitForHttp, webArgv, workerArgv, type Proc } from "../../scripts/stack";
import { backoutSql, bearer, env, readEvents, sql } from "./support/api";
import { REMOTE } from "./support/env";

// Backout on the Redis and Postgres of production. A Redis Cluster: three redis-server nodes started here, a web process and a runner of
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
const logDir = path.join(env.BACKOUT_DATA_DIR!, "logs");

/** A web process on `webPort` and a runner of pool far, both with `overrides` (another Redis, another way to Postgres). */
async function startStack(name: string, webPort: number, overrides: Record<string, string>): Promise<string> {
  const runnerDir = path.join(env.BACKOUT_DATA_DIR!, `runner-${name}`);
  fs.mkdirSync(runnerDir, { recursive: true });
  procs.push(
    startProcess(
      `runner-${name}`,
      [...workerArgv(), "--pool", "far"],
      { ...env, ...overrides, BACKOUT_DATA_DIR: runnerDir },
      { logFile: path.join(logDir, `runner-${name}.log`) },
    ),
  );
  procs.push(
    startProcess(
      `web-${name}`,
      webArgv(String(webPort)),
      { ...env, ...overrides, PORT: String(webPort) },
      { logFile: path.join(logDir, `web-${name}.log`) },
    ),
  );
  const url = `http://127.0.0.1:${webPort}`;
  await waitForHttp(`${url}/health`, { timeoutMs: 90_000 });
  return url;
}

/** Through `web`: a run on the far pool's target, executed by the far runner, every event seen live and in order. */
async function runEndToEnd(web: string): Promise<void> {
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
  // Replay after the end: a reconnect with Last-Event-ID gets exactly the events after it.
  const from = seen.ids[1]!;
  const replayed = await readEvents(`${web}/api/runs/${id}/events`, {
    lastEventId: from,
    stop: (evs) => evs.some((e) => e.type === "run.succeeded"),
    timeoutMs: 30_000,
    as: "engineer",
  });
  expect(replayed.ids).toEqual(recorded.map((e) => e.seq).filter((s) => s > from));
  const steps = await backoutSql<{ runner: string }>(`SELECT runner FROM steps WHERE "runId" = $1`, [id]);
  expect(steps.every((s) => /:/.test(s.runner))).toBe(true);
}

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
  await startStack("cluster", Number(env.PORT) + 60, { REDIS_CLUSTER_NODES: nodes });
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
    await runEndToEnd(web);
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

describe("through Redis Sentinel", () => {
  const master = base + 10;
  const sentinel = base + 11;
  let url = "";

  beforeAll(async () => {
    const d = path.join(dir, "sentinel");
    fs.mkdirSync(d, { recursive: true });
    servers.push(
      spawn(
        "redis-server",
        ["--port", String(master), "--bind", "127.0.0.1", "--dir", d, "--save", "", "--appendonly", "no"],
        { stdio: "ignore" },
      ),
    );
    const conf = path.join(d, "sentinel.conf");
    fs.writeFileSync(
      conf,
      `port ${sentinel}\nbind 127.0.0.1\ndir ${d}\nsentinel monitor backout-test 127.0.0.1 ${master} 1\nsentinel down-after-milliseconds backout-test 5000\n`,
    );
    servers.push(spawn("redis-server", [conf, "--sentinel"], { stdio: "ignore" }));
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        const reply = execFileSync(
          "redis-cli",
          ["-p", String(sentinel), "sentinel", "get-master-addr-by-name", "backout-test"],
          { encoding: "utf8" },
        );
        if (reply.includes(String(master))) break;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline) throw new Error("Sentinel did not come up");
      await new Promise((r) => setTimeout(r, 200));
    }
    url = await startStack("sentinel", Number(env.PORT) + 61, {
      REDIS_SENTINELS: `127.0.0.1:${sentinel}`,
      REDIS_SENTINEL_NAME: "backout-test",
    });
  }, 180_000);

  it("finds the master through Sentinel and runs a run end to end on it", async () => {
    await runEndToEnd(url);
    // The queue is on the master Sentinel named, not on the test stack's own Redis.
    const db = new URL(env.REDIS_URL!).pathname.slice(1) || "0";
    const keys = execFileSync("redis-cli", ["-p", String(master), "-n", db, "--scan", "--pattern", "*runs-far*"], {
      encoding: "utf8",
    });
    expect(keys).toMatch(/runs-far/);
  });
});

describe("through PgBouncer in transaction mode", () => {
  const port = base + 20;
  let url = "";

  beforeAll(async () => {
    // PgBouncer will not run as root: as root it runs as `postgres`, who may not be able to enter
    // the clone, so its files live in a folder of their own that it can read (serviceDir).
    const d = serviceDir("pgbouncer");
    const db = new URL(env.DATABASE_URL!);
    const name = db.pathname.slice(1);
    fs.writeFileSync(
      path.join(d, "pgbouncer.ini"),
      [
        "[databases]",
        `${name} = host=${db.hostname} port=${db.port || 5432} dbname=${name}`,
        "[pgbouncer]",
        `listen_addr = 127.0.0.1`,
        `listen_port = ${port}`,
        "auth_type = trust",
        `auth_file = ${path.join(d, "users.txt")}`,
        "pool_mode = transaction",
        "max_client_conn = 200",
        "default_pool_size = 10",
        `unix_socket_dir =`,
        `logfile = ${path.join(d, "pgbouncer.log")}`,
        `pidfile = ${path.join(d, "pgbouncer.pid")}`,
      ].join("\n"),
    );
    fs.writeFileSync(path.join(d, "users.txt"), `"${db.username || "postgres"}" ""\n`);
    fs.chmodSync(d, 0o777);
    const asRoot = process.getuid?.() === 0;
    servers.push(
      spawn(
        fs.existsSync("/usr/sbin/pgbouncer") ? "/usr/sbin/pgbouncer" : "pgbouncer",
        [...(asRoot ? ["-u", "postgres"] : []), path.join(d, "pgbouncer.ini")],
        { stdio: "ignore" },
      ).on("error", (e) => console.error(`pgbouncer: ${e.message} (apt-get install pgbouncer)`)),
    );
    const through = new URL(env.DATABASE_URL!);
    through.port = String(port);
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        const [row] = await sql<{ one: number }>(through.toString(), "SELECT 1 AS one");
        if (row?.one === 1) break;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline)
        throw new Error("PgBouncer did not come up (is it installed? apt-get install pgbouncer)");
      await new Promise((r) => setTimeout(r, 200));
    }
    url = await startStack("pgbouncer", Number(env.PORT) + 62, { DATABASE_URL: through.toString() });
  }, 180_000);

  it("the web process and a runner keep working with every query through it", async () => {
    await runEndToEnd(url);
    // Sign-in and a change that is audited: interactive transactions through the pooler.
    const bad = await fetch(`${url}/api/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: url },
      body: JSON.stringify({ email: "pooler@example.com", password: "not the password" }),
    });
    expect(bad.status).toBe(401);
  });
});
