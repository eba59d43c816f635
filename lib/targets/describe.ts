import type { Target } from "./schema";
import { redactSpec } from "../runs/redact";

/** A URL with its password replaced, for showing configuration to people. */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "****";
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:****@");
  }
}

/**
 * How a target is configured, as an admin reads it: what Backout runs and touches, no secrets
 * (passwords in any URL, in commands too, are masked; the environment shows only its names).
 */
export function describeTarget(t: Target) {
  return redactSpec({
    repoPath: t.repoPath,
    releasePattern: t.releasePattern,
    commands: Object.fromEntries(
      Object.entries(t.commands)
        .filter(([, argv]) => argv)
        .map(([name, argv]) => [name, (argv as string[]).join(" ")]),
    ),
    http: { ...t.http },
    redis: {
      url: withoutPassword(t.redis.url),
      queuePrefix: t.redis.queuePrefix,
      queues: t.redis.queues,
      cachePatterns: t.redis.cachePatterns,
    },
    postgres: {
      url: withoutPassword(t.postgres.url),
      backupDir: t.postgres.backupDir,
      keepBackups: t.postgres.keepBackups,
      migrationsDir: t.postgres.migrationsDir ?? null,
      dataTables: t.postgres.dataTables,
    },
    logFile: t.logFile,
    envKeys: Object.keys(t.env),
  }) as DescribedTarget;
}

type DescribedTarget = {
  repoPath: string;
  releasePattern: string;
  commands: Record<string, string>;
  http: Target["http"];
  redis: { url: string; queuePrefix: string; queues: string[]; cachePatterns: string[] };
  postgres: { url: string; backupDir: string; keepBackups: number; migrationsDir: string | null; dataTables: string[] };
  logFile: string;
  envKeys: string[];
};
