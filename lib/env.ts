import path from "node:path";
import { z } from "zod";

// The one place that reads process.env (STYLE.md: one validated env module).
// Every default points at this machine so a fresh clone needs no configuration.

const rootDir = path.resolve(/*turbopackIgnore: true*/ process.env.BACKOUT_ROOT ?? process.cwd());

const port = z.coerce.number().int().min(1).max(65535);

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  BACKOUT_ROOT: z.string().default(rootDir),
  BACKOUT_DATA_DIR: z.string().default(path.join(rootDir, ".data")),
  BACKOUT_TARGETS_FILE: z.string().default(path.join(rootDir, "targets.json")),
  DATABASE_URL: z
    .string()
    .url()
    .default("postgresql://postgres@127.0.0.1:5432/backout"),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379/0"),
  // Prefix of every Redis key Backout writes (queue, event channels, heartbeats).
  BACKOUT_REDIS_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]+$/, "lowercase letters, digits and dashes, e.g. backout")
    .default("backout"),
  PORT: port.default(3001),
  // The demo target's own services; the targets file refers to these as ${DEMO_*}.
  DEMO_PORT: port.default(3101),
  DEMO_DATABASE_URL: z
    .string()
    .url()
    .default("postgresql://postgres@127.0.0.1:5432/backout_demo"),
  DEMO_REDIS_URL: z.string().url().default("redis://127.0.0.1:6379/1"),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  // How long a worker holds a run before another may take it over after a crash.
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).default(10_000),
  // The metrics sampler (workers/sampler.ts).
  SAMPLE_INTERVAL_MS: z.coerce.number().int().min(200).max(600_000).default(5000),
  METRICS_RETENTION_HOURS: z.coerce.number().min(0.1).max(24 * 90).default(24),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = z.infer<typeof EnvSchema>;

function parseEnv(): Env {
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  ${i.path.join(".")}: ${i.message}`,
    );
    throw new Error(
      `Invalid environment:\n${lines.join("\n")}\n` +
        `Example: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/backout REDIS_URL=redis://127.0.0.1:6379/0`,
    );
  }
  return parsed.data;
}

export const env: Env = parseEnv();

/** Variables a targets file may interpolate as ${NAME}. */
export function interpolationVars(): Record<string, string> {
  return {
    BACKOUT_ROOT: env.BACKOUT_ROOT,
    BACKOUT_DATA_DIR: env.BACKOUT_DATA_DIR,
    DEMO_PORT: String(env.DEMO_PORT),
    DEMO_DATABASE_URL: env.DEMO_DATABASE_URL,
    DEMO_REDIS_URL: env.DEMO_REDIS_URL,
    HOME: process.env.HOME ?? "/root",
  };
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
