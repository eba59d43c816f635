import path from "node:path";
import { z } from "zod";

// The one place that reads process.env (STYLE.md: one validated env module).
// Every default points at this machine so a fresh clone needs no configuration.

const rootDir = path.resolve(/*turbopackIgnore: true*/ process.env.BACKOUT_ROOT ?? process.cwd());

const hostPorts = z
  .string()
  .regex(
    /^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/,
    "host:port pairs separated by commas, e.g. 10.0.0.1:7000,10.0.0.2:7000",
  )
  .transform((s) =>
    s
      .split(",")
      .map((hp) => ({ host: hp.slice(0, hp.lastIndexOf(":")), port: Number(hp.slice(hp.lastIndexOf(":") + 1)) })),
  );
const port = z.coerce.number().int().min(1).max(65535);

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  BACKOUT_ROOT: z.string().default(rootDir),
  BACKOUT_DATA_DIR: z.string().default(path.join(rootDir, ".data")),
  BACKOUT_TARGETS_FILE: z.string().default(path.join(rootDir, "targets.json")),
  // Where messages may be sent (plan §7): Slack-compatible and signed JSON webhooks. None if absent.
  BACKOUT_CHANNELS_FILE: z.string().default(path.join(rootDir, "channels.json")),
  // Message delivery retries: the waits between attempts, in ms (so 6 attempts in all by default).
  DELIVERY_BACKOFF_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, "comma-separated milliseconds, e.g. 5000,30000,120000")
    .default("5000,30000,120000,600000,1800000")
    .transform((s) => s.split(",").map(Number)),
  // plan §7.1 "updates every 15 minutes": when an open P0/P1 incident is reminded, and how often that is checked.
  UPDATE_REMINDER_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(15),
  REMINDER_CHECK_MS: z.coerce.number().int().min(200).max(600_000).default(15_000),
  DEMO_INBOX_PORT: port.default(3103),
  DATABASE_URL: z.string().url().default("postgresql://postgres@127.0.0.1:5432/backout"),
  // Migrations take a session-level advisory lock and may create the database: through a pooler in
  // transaction mode (PgBouncer) they need a direct connection, named here.
  DIRECT_DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379/0"),
  // Production Redis (issue 12): a Redis Cluster (its nodes, host:port,host:port) or Sentinel (its
  // sentinels and the master's name). Either one replaces REDIS_URL for Backout's own Redis.
  REDIS_CLUSTER_NODES: hostPorts.optional(),
  REDIS_SENTINELS: hostPorts.optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).default("mymaster"),
  // Prefix of every Redis key Backout writes (queue, event channels, heartbeats).
  BACKOUT_REDIS_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]+$/, "lowercase letters, digits and dashes, e.g. backout")
    .default("backout"),
  PORT: port.default(3001),
  // The demo target's own services; the targets file refers to these as ${DEMO_*}.
  DEMO_PORT: port.default(3101),
  DEMO_DATABASE_URL: z.string().url().default("postgresql://postgres@127.0.0.1:5432/backout_demo"),
  DEMO_REDIS_URL: z.string().url().default("redis://127.0.0.1:6379/1"),
  // The demo database's own cluster (WAL archiving on, for point-in-time recovery): its data
  // folder, archive and base backups live here (scripts/stack.ts creates it where PostgreSQL's
  // tools exist). Unset: a folder under BACKOUT_DATA_DIR, which then holds nothing to restore from.
  DEMO_PG_DIR: z.string().optional(),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  // How long a worker holds a run before another may take it over after a crash.
  // Renewed every third of it; a crashed worker's run is taken over within about this plus a second.
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).default(3_000),
  // How often a runner looks after its targets' backups (test restores due, base backups, replaced
  // folders); a test restore asked for in the console starts at once.
  BACKUP_CARE_INTERVAL_MS: z.coerce.number().int().min(200).max(3_600_000).default(15_000),
  // How often an open live stream (SSE) checks that its viewer may still watch: a revoked token, an
  // ended session or a lowered role closes it within this.
  STREAM_REAUTH_MS: z.coerce.number().int().min(200).max(600_000).default(30_000),
  // The metrics sampler (workers/sampler.ts).
  SAMPLE_INTERVAL_MS: z.coerce.number().int().min(200).max(600_000).default(5000),
  METRICS_RETENTION_HOURS: z.coerce
    .number()
    .min(0.1)
    .max(24 * 90)
    .default(24),
  // The public status page: its name, and the address it is reached at (links in its feeds and JSON).
  STATUS_PAGE_NAME: z.string().min(1).max(100).default("Service status"),
  BACKOUT_PUBLIC_URL: z.string().url().optional(),
  // GitHub's deployment_status webhook (POST /api/deploys/github) is taken only when signed with it.
  GITHUB_WEBHOOK_SECRET: z
    .string()
    .min(16, "GITHUB_WEBHOOK_SECRET: at least 16 characters, e.g. from openssl rand -hex 32")
    .optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = z.infer<typeof EnvSchema>;

function parseEnv(): Env {
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(
      `Invalid environment:\n${lines.join("\n")}\n` +
        `Example: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/backout REDIS_URL=redis://127.0.0.1:6379/0`,
    );
  }
  return parsed.data;
}

export const env: Env = parseEnv();

/** Where Backout is reached from outside (links in the status page's feeds); this machine by default. */
export const publicUrl = (): string => (env.BACKOUT_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, "");

/** Variables a targets file may interpolate as ${NAME}. */
export function interpolationVars(): Record<string, string> {
  return {
    BACKOUT_ROOT: env.BACKOUT_ROOT,
    BACKOUT_DATA_DIR: env.BACKOUT_DATA_DIR,
    DEMO_PORT: String(env.DEMO_PORT),
    DEMO_DATABASE_URL: env.DEMO_DATABASE_URL,
    DEMO_REDIS_URL: env.DEMO_REDIS_URL,
    DEMO_PG_DIR: env.DEMO_PG_DIR ?? path.join(env.BACKOUT_DATA_DIR, "demo", "pg"),
    DEMO_INBOX_PORT: String(env.DEMO_INBOX_PORT),
    HOME: process.env.HOME ?? "/root",
  };
}

/** A secret a config file names by its environment variable (a webhook URL or signing secret). */
export function secretFromEnv(name: string): string | undefined {
  return process.env[name];
}

/** The environment handed to child processes (PATH etc.), never our secrets beyond it. */
export function baseChildEnv(): Record<string, string> {
  const keep = ["PATH", "HOME", "LANG", "TZ", "TMPDIR", "USER"];
  const out: Record<string, string> = {};
  for (const k of keep) {
    const v = process.env[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}
