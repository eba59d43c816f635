import path from "node:path";
import type { Target } from "../targets/schema";
import type { StepSpecInput } from "../steps/schema";

// Shared step builders: each returns a fully resolved step from the target's configuration.

type Opts = Partial<
  Pick<Extract<StepSpecInput, { kind: "shell" }>, "isIdempotent" | "retries" | "timeoutMs" | "allowFailure">
>;

export function command(target: Target, key: string, name: string, argv: string[], opts: Opts = {}): StepSpecInput {
  return { kind: "shell", key, name, argv, cwd: target.repoPath, env: target.env, timeoutMs: 600_000, ...opts };
}

// Joined as text so a base URL with a path (http://host/app) keeps it.
export const targetUrl = (target: Target, p: string) => `${target.http.baseUrl.replace(/\/+$/, "")}${p}`;
const url = targetUrl;

export function pauseQueues(target: Target, opts: Opts = {}): StepSpecInput {
  return {
    kind: "queue",
    key: "pause-queues",
    name: "Pause queues (prevent new jobs)",
    action: "pause",
    redisUrl: target.redis.url,
    prefix: target.redis.queuePrefix,
    queues: target.redis.queues,
    isIdempotent: true,
    retries: 2,
    timeoutMs: 30_000,
    ...opts,
  };
}

export function resumeQueues(
  target: Target,
  key = "resume-queues",
  name = "Resume queues",
  queues = target.redis.queues,
): StepSpecInput {
  return {
    kind: "queue",
    key,
    name,
    action: "resume",
    redisUrl: target.redis.url,
    prefix: target.redis.queuePrefix,
    queues,
    isIdempotent: true,
    retries: 2,
    timeoutMs: 30_000,
  };
}

export function waitIdle(target: Target): StepSpecInput {
  return {
    kind: "queue",
    key: "drain-active-jobs",
    name: "Drain active jobs (let them complete)",
    action: "wait-idle",
    redisUrl: target.redis.url,
    prefix: target.redis.queuePrefix,
    queues: target.redis.queues,
    isIdempotent: true,
    timeoutMs: 120_000,
  };
}

export function checkout(target: Target, release: string, name = `Check out ${release}`): StepSpecInput[] {
  return [
    {
      kind: "git",
      key: "git-fetch",
      name: "Fetch releases",
      repoPath: target.repoPath,
      action: "fetch",
      isIdempotent: true,
      retries: 2,
      timeoutMs: 120_000,
    },
    {
      kind: "git",
      key: "checkout",
      name,
      repoPath: target.repoPath,
      action: "checkout",
      ref: release,
      isIdempotent: true,
      timeoutMs: 60_000,
    },
  ];
}

export function installAndBuild(target: Target): StepSpecInput[] {
  return [
    command(target, "install", "Install dependencies", target.commands.install, { isIdempotent: true, retries: 1 }),
    command(target, "build", "Build application", target.commands.build, { isIdempotent: true }),
  ];
}

export function restart(target: Target): StepSpecInput {
  return command(target, "restart", "Restart services", target.commands.restart, {
    isIdempotent: true,
    timeoutMs: 120_000,
  });
}

export function healthGate(target: Target, timeoutMs = 60_000): StepSpecInput {
  return {
    kind: "health-gate",
    key: "verify-health",
    name: "Verify health",
    url: url(target, target.http.healthPath),
    intervalMs: 1000,
    successes: 2,
    timeoutMs,
    isIdempotent: true,
  };
}

export function version(target: Target): StepSpecInput {
  return {
    kind: "http",
    key: "check-version",
    name: "Check running version",
    method: "GET",
    url: url(target, target.http.versionPath),
    isIdempotent: true,
    retries: 2,
    timeoutMs: 10_000,
  };
}

export function smokeTests(target: Target): StepSpecInput[] {
  return target.commands.smokeTest
    ? [
        command(target, "smoke-tests", "Run smoke tests", target.commands.smokeTest, {
          isIdempotent: true,
          timeoutMs: 300_000,
        }),
      ]
    : [];
}

export function maintenance(target: Target, on: boolean): StepSpecInput[] {
  const p = on ? target.http.maintenanceEnablePath : target.http.maintenanceDisablePath;
  if (!p) return [];
  return [
    {
      kind: "http",
      key: on ? "maintenance-on" : "maintenance-off",
      name: on ? "STOP all writes (maintenance mode on)" : "Maintenance mode off",
      method: "POST",
      url: url(target, p),
      isIdempotent: true,
      retries: 2,
      timeoutMs: 15_000,
    },
  ];
}

export function backup(target: Target, label?: string, protect?: string[]): StepSpecInput {
  return {
    kind: "postgres",
    key: label ? `backup-${label.replace(/_/g, "-")}` : "backup",
    name: label ? `Backup current state (${label.replace(/_/g, " ")})` : "Back up the database",
    action: "backup",
    databaseUrl: target.postgres.url,
    backupDir: target.postgres.backupDir,
    backupLabel: label,
    keep: target.postgres.keepBackups,
    timeoutMs: 900_000,
    isIdempotent: true,
    ...(protect?.length ? { protect } : {}),
  };
}

export function verifyDatabase(target: Target): StepSpecInput[] {
  const queries = target.postgres.verifyQueries;
  return queries.length
    ? [
        {
          kind: "postgres",
          key: "verify-database",
          name: "Verify restoration",
          action: "verify",
          databaseUrl: target.postgres.url,
          queries,
          isIdempotent: true,
          timeoutMs: 60_000,
        },
      ]
    : [];
}

export function backupFile(target: Target, name: string): string {
  return path.join(target.postgres.backupDir, name);
}

export function cacheUrl(target: Target): string | undefined {
  return target.http.cacheWarmPath ? url(target, target.http.cacheWarmPath) : undefined;
}
