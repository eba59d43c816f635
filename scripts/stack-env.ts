import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The settings of each isolated stack; kept free of heavy imports so configs can load it.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432";
const REDIS_DEFAULT = "redis://127.0.0.1:6379";

export type StackEnv = Record<string, string>;

/** Whether PostgreSQL's initdb and pg_ctl are here (on PATH or in Debian's /usr/lib/postgresql/<v>/bin). */
export function hasPgTools(base: NodeJS.ProcessEnv = process.env): boolean {
  const dirs = (base.PATH ?? "").split(":").filter(Boolean);
  const root = "/usr/lib/postgresql";
  if (fs.existsSync(root)) for (const v of fs.readdirSync(root)) dirs.push(path.join(root, v, "bin"));
  return ["initdb", "pg_ctl"].every((t) => dirs.some((d) => fs.existsSync(path.join(d, t))));
}

/**
 * Where a service that runs as another user keeps its files (PostgreSQL and PgBouncer refuse to run
 * as root, so as root they run as `postgres`): outside the clone, which may sit in a folder only its
 * owner can enter, in a temporary folder that user can reach. One per clone and name.
 */
export function serviceDirPath(name: string): string {
  const tag = crypto.createHash("sha256").update(ROOT).digest("hex").slice(0, 10);
  return path.join(os.tmpdir(), `backout-${tag}-${name}`);
}

/** The settings of one isolated stack. Tests and the bench get their own databases, ports and Redis dbs. */
export function stackEnv(mode: "dev" | "test" | "e2e" | "bench", base: NodeJS.ProcessEnv = process.env): StackEnv {
  const pgBase = (base.BACKOUT_PG_BASE ?? PG_DEFAULT).replace(/\/$/, "");
  const redisBase = (base.BACKOUT_REDIS_BASE ?? REDIS_DEFAULT).replace(/\/$/, "");
  const presets = {
    dev: {
      db: "backout",
      demoDb: "backout_demo",
      redisDb: 0,
      demoRedisDb: 1,
      port: 3001,
      demoPort: 3101,
      inboxPort: 3103,
      demoPgPort: 5451,
      prefix: "backout",
    },
    test: {
      db: "backout_test",
      demoDb: "backout_demo_test",
      redisDb: 2,
      demoRedisDb: 3,
      port: 3201,
      demoPort: 3202,
      inboxPort: 3203,
      demoPgPort: 5452,
      prefix: "backout-test",
    },
    e2e: {
      db: "backout_e2e",
      demoDb: "backout_demo_e2e",
      redisDb: 4,
      demoRedisDb: 5,
      port: 3301,
      demoPort: 3302,
      inboxPort: 3303,
      demoPgPort: 5453,
      prefix: "backout-e2e",
    },
    bench: {
      db: "backout_bench",
      demoDb: "backout_demo_bench",
      redisDb: 6,
      demoRedisDb: 7,
      port: 3401,
      demoPort: 3402,
      inboxPort: 3403,
      demoPgPort: 5454,
      prefix: "backout-bench",
    },
  } as const;
  const p = presets[mode];
  // The integration tier restarts Redis and PostgreSQL on purpose (fault tests), so it gets private
  // ones, started by scripts/stack.ts when nothing answers there; the PostgreSQL cluster's folder
  // lies outside the clone, where the `postgres` user can reach it (serviceDir).
  const redisBaseFor = mode === "test" ? (base.BACKOUT_TEST_REDIS_BASE ?? "redis://127.0.0.1:6380") : redisBase;
  const pgBaseFor =
    mode === "test" ? (base.BACKOUT_TEST_PG_BASE ?? "postgresql://postgres@127.0.0.1:5440").replace(/\/$/, "") : pgBase;
  const demoCluster =
    base.BACKOUT_DEMO_CLUSTER !== "off" && !(mode === "dev" && base.DEMO_DATABASE_URL) && hasPgTools(base);
  const dataDir = mode === "dev" ? path.join(ROOT, ".data") : path.join(ROOT, ".data", mode);
  const env: StackEnv = {
    BACKOUT_ROOT: ROOT,
    BACKOUT_DATA_DIR: dataDir,
    DATABASE_URL: `${pgBaseFor}/${p.db}`,
    REDIS_URL: `${redisBaseFor}/${p.redisDb}`,
    BACKOUT_REDIS_PREFIX: p.prefix,
    PORT: String(p.port),
    DEMO_PORT: String(p.demoPort),
    DEMO_INBOX_PORT: String(p.inboxPort),
    // The demo's database is its own small cluster with WAL archiving on (point-in-time recovery,
    // issue 17), in DEMO_PG_DIR, where PostgreSQL's tools are here; else a database beside Backout's.
    ...(demoCluster
      ? {
          DEMO_PG_DIR: serviceDirPath(`demo-pg-${mode}`),
          DEMO_PG_PORT: String(p.demoPgPort),
          // Test stacks are thrown away: their demo cluster does not wait for the disk.
          DEMO_PG_FSYNC: mode === "dev" ? "on" : "off",
          DEMO_DATABASE_URL: `postgresql://postgres@127.0.0.1:${p.demoPgPort}/${p.demoDb}`,
        }
      : { DEMO_DATABASE_URL: `${pgBaseFor}/${p.demoDb}` }),
    DEMO_REDIS_URL: `${redisBaseFor}/${p.demoRedisDb}`,
    ...(mode === "test" ? { BACKOUT_PG_DIR: serviceDirPath("postgres-test") } : {}),
    // The real targets.json with the demo's autopilot off (writeStackTargets): the browser tier and
    // the bench roll the demo back themselves, and turn the autopilot on where they measure it.
    ...(mode === "e2e" || mode === "bench" ? { BACKOUT_TARGETS_FILE: path.join(dataDir, "targets.json") } : {}),
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production",
    ...(mode === "dev"
      ? {}
      : { WORKER_LOCK_MS: "3000", LOG_LEVEL: "warn", SAMPLE_INTERVAL_MS: "1000", BACKUP_CARE_INTERVAL_MS: "2000" }),
    // The browser tier watches an update reminder appear: 15 s instead of the plan's 15 minutes.
    ...(mode === "e2e" ? { UPDATE_REMINDER_MINUTES: "0.25", REMINDER_CHECK_MS: "1000" } : {}),
    // The tests watch a revoked token's stream close; the bench keeps the production pace (30 s).
    ...(mode === "test" || mode === "e2e" ? { STREAM_REAUTH_MS: "1000" } : {}),
  };
  // In dev, explicit DATABASE_URL / REDIS_URL / PORT from the caller win.
  if (mode === "dev")
    for (const k of [
      "DATABASE_URL",
      "REDIS_URL",
      "PORT",
      "DEMO_PORT",
      "DEMO_INBOX_PORT",
      "DEMO_DATABASE_URL",
      "DEMO_REDIS_URL",
    ])
      if (base[k]) env[k] = base[k]!;
  return env;
}
