// Brings up everything Backout needs, for `npm start`, the test tiers and the bench alike:
// Postgres and Redis (reached, or started privately under .data/), migrations, the demo target,
// the Next.js build, and the web + worker processes.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { Redis } from "ioredis";
import { ensureDatabase, migrate } from "../lib/db/migrate";
import { buildDemo, ensureDemoDatabase, ensureDemoRepo, startDemo, stopDemo, type DemoOptions } from "../demo/index";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export { serviceDirPath, stackEnv, type StackEnv } from "./stack-env";
import { serviceDirPath, type StackEnv } from "./stack-env";

export function demoOptions(env: StackEnv): DemoOptions {
  return {
    repoPath: path.join(env.BACKOUT_DATA_DIR!, "demo", "repo"),
    databaseUrl: env.DEMO_DATABASE_URL!,
    redisUrl: env.DEMO_REDIS_URL!,
    port: Number(env.DEMO_PORT),
    pm2Home: path.join(env.BACKOUT_DATA_DIR!, "demo", "pm2"),
    logFile: path.join(env.BACKOUT_DATA_DIR!, "demo", "app.log"),
    pm2Bin: path.join(ROOT, "node_modules", ".bin", "pm2"),
  };
}

const say = (msg: string) => console.log(`› ${msg}`);

async function pgAnswers(url: string): Promise<boolean> {
  const u = new URL(url);
  u.pathname = "/postgres";
  const c = new pg.Client({ connectionString: u.toString(), connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

async function redisAnswers(url: string): Promise<boolean> {
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on("error", () => {}); // "not answering" is the answer here
  try {
    await r.connect();
    return (await r.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(":")];
  const pgRoot = "/usr/lib/postgresql";
  if (fs.existsSync(pgRoot))
    for (const v of fs.readdirSync(pgRoot).sort().reverse()) dirs.push(path.join(pgRoot, v, "bin"));
  for (const d of dirs) if (d && fs.existsSync(path.join(d, name))) return path.join(d, name);
  return undefined;
}

const DOCKER_HINT = "or run `docker compose up -d postgres redis` and start again";

export type Services = { stop: () => Promise<void> };

export const redisServerArgs = (port: string, dir: string) => [
  "--port",
  port,
  "--bind",
  "127.0.0.1",
  "--save",
  "",
  "--appendonly",
  "no",
  "--dir",
  dir,
];

/** serviceDirPath(name), made, and open to the user a service runs as. */
export function serviceDir(name: string): string {
  const dir = serviceDirPath(name);
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(dir, 0o755);
  return dir;
}

const asPostgresUser = () => (process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--"] : []);

/** Runs one of PostgreSQL's programs, as `postgres` when run as root (the server refuses root). */
function runAsPostgres(bin: string, args: string[]) {
  const as = asPostgresUser();
  execFileSync(as[0] ?? bin, [...as.slice(1), ...(as.length ? [bin] : []), ...args], { stdio: "ignore" });
}

/**
 * The private PostgreSQL cluster a stack starts when nothing answers at its DATABASE_URL: its folder
 * (postgres/ in BACKOUT_PG_DIR, else in .data, or outside the clone as root), its port (the URL's), and pg_ctl on it, as `postgres` when
 * run as root. Undefined when PostgreSQL's own tools are not installed.
 */
export function privatePostgres(env: StackEnv) {
  const initdb = findBinary("initdb");
  const pgCtl = findBinary("pg_ctl");
  if (!initdb || !pgCtl) return undefined;
  const as = asPostgresUser();
  // As root, the cluster runs as `postgres`, who may not be able to enter the clone: it lives outside.
  const outside = env.BACKOUT_PG_DIR ?? (as.length ? serviceDirPath("postgres") : undefined);
  const dir = path.join(outside ?? path.join(ROOT, ".data"), "postgres");
  const port = new URL(env.DATABASE_URL!).port || "5432";
  return {
    dir,
    port,
    // A test cluster is thrown away: it need not survive a power cut, so it does not wait for the disk.
    serverOptions: [
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300`,
      ...(env.BACKOUT_PG_DIR ? ["-c fsync=off -c synchronous_commit=off -c full_page_writes=off"] : []),
    ].join(" "),
    init: () => {
      if (outside) {
        fs.mkdirSync(outside, { recursive: true });
        fs.chmodSync(outside, 0o755);
      }
      fs.mkdirSync(dir, { recursive: true });
      // Only its own folder: the rest of .data (the demo's git repo…) stays the caller's.
      if (as.length) execFileSync("chown", ["-R", "postgres", dir]);
      fs.chmodSync(dir, 0o700);
      runAsPostgres(initdb, ["-D", dir, "-U", "postgres", "--auth=trust"]);
    },
    ctl: (args: string[]) => runAsPostgres(pgCtl, ["-D", dir, ...args]),
  };
}

/**
 * The demo database's own cluster (point-in-time recovery, issue 17), when the stack has one
 * (DEMO_PG_DIR): `data/` with WAL archiving into `wal/` (1 MiB segments, switched every minute, so
 * the newest archived commit is never more than a minute old), base backups in `base/`. Its port,
 * socket folder and archiving are in its own postgresql.auto.conf, so a plain `pg_ctl start` (and
 * a point-in-time swap, which starts a copy with the options the live one ran with) needs nothing
 * else. Test stacks skip fsync: they are thrown away.
 */
export function demoCluster(env: StackEnv) {
  if (!env.DEMO_PG_DIR || !env.DEMO_PG_PORT) return undefined;
  const initdb = findBinary("initdb");
  const pgCtl = findBinary("pg_ctl");
  if (!initdb || !pgCtl) return undefined;
  const root = env.DEMO_PG_DIR;
  const dir = path.join(root, "data");
  const as = asPostgresUser();
  const ctl = (args: string[]) => runAsPostgres(pgCtl, ["-D", dir, ...args]);
  const isRunning = () => fs.existsSync(path.join(dir, "postmaster.pid"));
  const owned = (d: string, mode: number) => {
    fs.mkdirSync(d, { recursive: true });
    if (as.length) execFileSync("chown", ["-R", "postgres", d]);
    fs.chmodSync(d, mode);
  };
  return {
    dir,
    url: env.DEMO_DATABASE_URL!,
    start: () => {
      if (!fs.existsSync(path.join(dir, "PG_VERSION"))) {
        say(`initialising the demo's PostgreSQL (WAL archiving on) in ${dir}`);
        owned(root, 0o755);
        owned(path.join(root, "wal"), 0o700);
        owned(path.join(root, "base"), 0o755);
        owned(dir, 0o700);
        runAsPostgres(initdb, ["-D", dir, "-U", "postgres", "--auth=trust", "--wal-segsize=1", "--no-sync"]);
        fs.appendFileSync(
          path.join(dir, "postgresql.auto.conf"),
          [
            "",
            `port = ${env.DEMO_PG_PORT}`,
            "listen_addresses = '127.0.0.1'",
            `unix_socket_directories = '${dir}'`,
            "max_connections = 60",
            "wal_level = replica",
            "archive_mode = on",
            `archive_command = 'test ! -f "${root}/wal/%f" && cp "%p" "${root}/wal/%f"'`,
            "archive_timeout = 60",
            ...(env.DEMO_PG_FSYNC === "off" ? ["fsync = off", "synchronous_commit = off"] : []),
            "",
          ].join("\n"),
        );
      }
      if (isRunning()) return;
      say(`starting the demo's PostgreSQL on port ${env.DEMO_PG_PORT}`);
      ctl(["start", "-w", "-l", path.join(root, "server.log")]);
    },
    stop: () => {
      if (isRunning()) ctl(["stop", "-m", "fast", "-w"]);
    },
    /** Stopped, and its data, archive, base backups and any restored copies removed. */
    wipe: () => {
      if (isRunning()) ctl(["stop", "-m", "immediate", "-w"]);
      if (fs.existsSync(root))
        for (const f of fs.readdirSync(root)) {
          const p = path.join(root, f);
          if (f.startsWith("data.restore-")) {
            try {
              runAsPostgres(pgCtl, ["-D", p, "stop", "-m", "immediate", "-w"]);
            } catch {
              // not running
            }
          }
          fs.rmSync(p, { recursive: true, force: true });
        }
    },
  };
}

/** Reaches Postgres and Redis; if nothing answers and the binaries exist, starts private ones under .data/. */
export async function ensureServices(env: StackEnv): Promise<Services> {
  const stops: (() => Promise<void>)[] = [];
  const dataRoot = path.join(ROOT, ".data");
  if (!(await pgAnswers(env.DATABASE_URL!))) {
    const cluster = privatePostgres(env);
    if (!cluster)
      throw new Error(
        `PostgreSQL does not answer at ${env.DATABASE_URL} and no initdb/pg_ctl was found: set DATABASE_URL, ${DOCKER_HINT}`,
      );
    if (!fs.existsSync(path.join(cluster.dir, "PG_VERSION"))) {
      say(`initialising a private PostgreSQL in ${cluster.dir}`);
      cluster.init();
    }
    say(`starting a private PostgreSQL on port ${cluster.port}`);
    cluster.ctl(["start", "-w", "-l", path.join(cluster.dir, "server.log"), "-o", cluster.serverOptions]);
    stops.push(async () => void cluster.ctl(["stop", "-m", "fast"]));
  }
  if (!(await redisAnswers(env.REDIS_URL!))) {
    const bin = findBinary("redis-server");
    if (!bin)
      throw new Error(
        `Redis does not answer at ${env.REDIS_URL} and no redis-server was found: set REDIS_URL, ${DOCKER_HINT}`,
      );
    const dir = path.join(dataRoot, "redis");
    fs.mkdirSync(dir, { recursive: true });
    const port = new URL(env.REDIS_URL!).port || "6379";
    say(`starting a private Redis on port ${port}`);
    const child = spawn(bin, redisServerArgs(port, dir), { stdio: "ignore" });
    for (let i = 0; i < 50 && !(await redisAnswers(env.REDIS_URL!)); i++) await new Promise((r) => setTimeout(r, 100));
    stops.push(async () => void child.kill("SIGTERM"));
  }
  // The demo's own cluster is made and started with the demo (ensureDemo); it stops with the rest.
  const demo = demoCluster(env);
  if (demo) stops.push(async () => demo.stop());
  return { stop: async () => void (await Promise.allSettled(stops.reverse().map((s) => s()))) };
}

/** Creates Backout's database if missing and applies pending migrations. */
export async function migrateDatabase(env: StackEnv, opts: { fresh?: boolean } = {}): Promise<string[]> {
  // Direct, not through a pooler: the migrations hold a session-level advisory lock.
  const url = env.DIRECT_DATABASE_URL ?? env.DATABASE_URL!;
  if (opts.fresh) await dropDatabase(url);
  await ensureDatabase(url);
  const { applied } = await migrate(url, path.join(ROOT, "prisma", "migrations"));
  return applied;
}

export async function dropDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  u.pathname = "/postgres";
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

export async function flushRedisDb(url: string): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    await r.flushdb();
  } finally {
    r.disconnect();
  }
}

/**
 * The stack's own targets file (BACKOUT_TARGETS_FILE): the real targets.json with every target's
 * autopilot off, so that nothing rolls back by itself unless the stack turns it on (an admin's PUT
 * /api/targets/{name}/autopilot). `edit` changes it further.
 */
export function writeStackTargets(
  env: StackEnv,
  edit: (file: { targets: Record<string, unknown>[] }) => void = () => {},
) {
  if (!env.BACKOUT_TARGETS_FILE) throw new Error("writeStackTargets: the stack has no BACKOUT_TARGETS_FILE of its own");
  const file = JSON.parse(fs.readFileSync(path.join(ROOT, "targets.json"), "utf8"));
  for (const t of file.targets) t.autopilot = { ...t.autopilot, policy: "off" };
  edit(file);
  fs.mkdirSync(path.dirname(env.BACKOUT_TARGETS_FILE), { recursive: true });
  fs.writeFileSync(env.BACKOUT_TARGETS_FILE, JSON.stringify(file, null, 2));
}

/** The demo target: its git repo with its four releases, its database, a build, and pm2 running it. */
export async function ensureDemo(env: StackEnv, opts: { fresh?: boolean } = {}): Promise<DemoOptions> {
  const o = demoOptions(env);
  const cluster = demoCluster(env);
  if (opts.fresh) {
    await stopDemo(o).catch(() => {});
    fs.rmSync(path.join(env.BACKOUT_DATA_DIR!, "demo"), { recursive: true, force: true });
    // A fresh demo's cluster holds no older timeline, backups or copies either.
    if (cluster) cluster.wipe();
    else await dropDatabase(o.databaseUrl);
    await flushRedisDb(o.redisUrl);
  }
  cluster?.start();
  await ensureDemoRepo(o);
  await ensureDemoDatabase(o);
  if (cluster) await firstBaseBackup(env);
  const built = fs.existsSync(path.join(o.repoPath, "dist", "build-info.json"));
  if (!built) await buildDemo(o);
  await startDemo(o);
  return o;
}

/** A base backup of the demo's cluster when it has none: a point-in-time recovery can reach from here on. */
async function firstBaseBackup(env: StackEnv): Promise<void> {
  const { listBaseBackups, takeBaseBackup } = await import("../lib/target-ops/pitr");
  const backupsDir = path.join(env.DEMO_PG_DIR!, "base");
  if (listBaseBackups(backupsDir).length) return;
  const url = new URL(env.DEMO_DATABASE_URL!);
  url.pathname = "/postgres";
  const b = await takeBaseBackup({ url: url.toString(), backupsDir });
  say(
    `took the demo's first base backup (${(b.bytes / 1024 / 1024).toFixed(1)} MiB): point-in-time recovery reaches from now on`,
  );
}

function newestMtime(dir: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "generated" || entry.name.startsWith(".")) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** `next build` when the sources are newer than the last build. */
export function buildWebIfStale(): void {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  const builtAt = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  const sources = Math.max(
    ...["app", "components", "lib"].map((d) => newestMtime(path.join(ROOT, d))),
    ...["next.config.mjs", "package.json", "postcss.config.mjs", "targets.json"].map((f) =>
      fs.existsSync(path.join(ROOT, f)) ? fs.statSync(path.join(ROOT, f)).mtimeMs : 0,
    ),
  );
  if (builtAt > sources) return say("web build is up to date");
  say("building the web app (next build)…");
  execFileSync(path.join(ROOT, "node_modules", ".bin", "next"), ["build"], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
}

export type Proc = { name: string; child: ChildProcess; stop: (signal?: NodeJS.Signals) => Promise<void> };

export function startProcess(name: string, argv: string[], env: StackEnv, opts: { logFile?: string } = {}): Proc {
  const out = opts.logFile ? fs.openSync(opts.logFile, "a") : undefined;
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", out ?? "pipe", out ?? "pipe"],
  });
  if (!out) {
    const prefix = (line: string) => `${name.padEnd(6)} | ${line}`;
    for (const s of [child.stdout!, child.stderr!]) {
      let rest = "";
      s.on("data", (b: Buffer) => {
        const lines = (rest + b.toString()).split("\n");
        rest = lines.pop() ?? "";
        for (const l of lines) console.log(prefix(l));
      });
    }
  }
  const stop = (signal: NodeJS.Signals = "SIGTERM") =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const t = setTimeout(() => child.kill("SIGKILL"), 12_000);
      child.once("exit", () => {
        clearTimeout(t);
        resolve();
      });
      child.kill(signal);
    });
  return { name, child, stop };
}

export const workerArgv = () => [
  process.execPath,
  "--conditions=react-server",
  "--import",
  "tsx",
  path.join(ROOT, "workers", "run-worker.ts"),
];
export const samplerArgv = () => [
  process.execPath,
  "--conditions=react-server",
  "--import",
  "tsx",
  path.join(ROOT, "workers", "sampler.ts"),
];
export const notifierArgv = () => [
  process.execPath,
  "--conditions=react-server",
  "--import",
  "tsx",
  path.join(ROOT, "workers", "notifier.ts"),
];
// Next.js behind our own node:http server (scripts/web-server.ts): the status page's public reads skip Next's pipeline.
// BACKOUT_WEB=next runs plain `next start` instead (everything works; the public reads go through Next's pipeline).
export const webArgv = (port: string) =>
  process.env.BACKOUT_WEB === "next"
    ? [path.join(ROOT, "node_modules", ".bin", "next"), "start", "-p", port, "-H", "127.0.0.1"]
    : [
        process.execPath,
        "--conditions=react-server",
        "--import",
        "tsx",
        path.join(ROOT, "scripts", "web-server.ts"),
        port,
        "127.0.0.1",
      ];

/**
 * Backout's own processes on a stack: the web app, the run worker, the metrics sampler and the
 * notifier (messages and update reminders), each logging to `<logDir>/<name>.log` when given (else
 * prefixed on this terminal). Not yet waited for: callers wait for /health once they have hooked
 * what they need (exit handlers, pid files).
 */
/** How to start each of Backout's processes (again, after a crash, under `npm start`'s supervisor). */
export function backoutStarters(env: StackEnv, opts: { logDir?: string } = {}) {
  const log = (name: string) => (opts.logDir ? { logFile: path.join(opts.logDir, `${name}.log`) } : {});
  return {
    web: () => startProcess("web", webArgv(env.PORT!), env, log("web")),
    worker: () => startProcess("worker", workerArgv(), env, log("worker")),
    sampler: () => startProcess("sampler", samplerArgv(), env, log("sampler")),
    notifier: () => startProcess("notify", notifierArgv(), env, log("notifier")),
  };
}

export function startBackout(
  env: StackEnv,
  opts: { logDir?: string } = {},
): { web: Proc; worker: Proc; sampler: Proc; notifier: Proc; all: Proc[] } {
  const start = backoutStarters(env, opts);
  const web = start.web();
  const worker = start.worker();
  const sampler = start.sampler();
  const notifier = start.notifier();
  return { web, worker, sampler, notifier, all: [web, worker, sampler, notifier] };
}

/** The demo's inbox (demo/inbox.ts): where the demo channels of channels.json deliver. */
export function startDemoInbox(env: StackEnv, opts: { logFile?: string } = {}): Proc {
  const argv = [
    process.execPath,
    "--import",
    "tsx",
    path.join(ROOT, "demo", "inbox.ts"),
    env.DEMO_INBOX_PORT!,
    path.join(env.BACKOUT_DATA_DIR!, "demo", "inbox.jsonl"),
  ];
  return startProcess("inbox", argv, env, opts);
}

export async function waitForHttp(url: string, opts: { timeoutMs?: number; status?: number } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      last = `HTTP ${res.status}`;
      await res.arrayBuffer();
      if (res.status === (opts.status ?? 200)) return;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer ${opts.status ?? 200} in time (last: ${last})`);
}

export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net
      .createServer()
      .once("error", () => resolve(false))
      .once("listening", () => s.close(() => resolve(true)));
    s.listen(port, "127.0.0.1");
  });
}

export { stopDemo };
