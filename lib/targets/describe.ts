import type { Target } from "./schema";

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

/** How a target is configured, as an admin reads it: what Backout runs and touches, no secrets. */
export function describeTarget(t: Target) {
  return {
    repoPath: t.repoPath,
    releasePattern: t.releasePattern,
    commands: Object.fromEntries(Object.entries(t.commands).filter(([, argv]) => argv).map(([name, argv]) => [name, (argv as string[]).join(" ")])),
    http: { ...t.http },
    redis: { url: withoutPassword(t.redis.url), queuePrefix: t.redis.queuePrefix, queues: t.redis.queues, cachePatterns: t.redis.cachePatterns },
    postgres: {
      url: withoutPassword(t.postgres.url),
      backupDir: t.postgres.backupDir,
      keepBackups: t.postgres.keepBackups,
      migrationsDir: t.postgres.migrationsDir ?? null,
      dataTables: t.postgres.dataTables,
    },
    logFile: t.logFile,
    envKeys: Object.keys(t.env),
  };
}
