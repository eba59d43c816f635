import path from "node:path";
import { z } from "zod";
import { defineRunbook } from "../types";
import { downMigrationParam } from "../params";
import * as s from "../steps";

// plan §5.1 Schema Rollback, method 1: stop writes, pause queues, back up, apply the down migration.
export const dbSchema = defineRunbook({
  id: "db-schema",
  title: "Database schema rollback (down migration)",
  planSection: "5.1",
  summary:
    "Maintenance mode on, pause queues, pg_dump backup, approval, apply the down migration in one transaction, verify, resume.",
  risk: "high",
  requiredRole: "commander",
  params: (facts) => z.object({ migration: downMigrationParam(facts) }).strict(),
  steps: ({ target, params, facts }) => {
    const release = facts.downMigrations.find((m) => m.file === params.migration)?.release ?? null;
    return [
      ...s.maintenance(target, true),
      s.pauseQueues(target),
      s.waitIdle(target),
      s.backup(target, "before_rollback"),
      {
        kind: "approval-gate",
        key: "approve",
        name: "Approve schema rollback",
        prompt: `A backup was taken. Apply ${params.migration} to ${target.name}'s database? This changes its schema.`,
        timeoutMs: 3_600_000,
      },
      {
        kind: "postgres",
        key: "apply-down-migration",
        name: `Apply ${params.migration}`,
        action: "run-sql-file",
        databaseUrl: target.postgres.url,
        // From the release that brought the migration: what is checked out may no longer have it.
        ...(release
          ? {
              fromRelease: {
                repoPath: target.repoPath,
                ref: release,
                path: path.posix.join(path.relative(target.repoPath, target.postgres.migrationsDir!), params.migration),
              },
            }
          : { file: path.join(target.postgres.migrationsDir!, params.migration) }),
        timeoutMs: 600_000,
      },
      ...s.verifyDatabase(target),
      s.resumeQueues(target),
      ...s.maintenance(target, false),
    ];
  },
});
