import { z } from "zod";
import { defineRunbook } from "../types";
import { backupParam } from "../params";
import * as s from "../steps";

// plan §5.1 method 2: Restore from Backup (drop, create, load, verify).
export const dbRestore = defineRunbook({
  id: "db-restore",
  title: "Restore database from backup",
  planSection: "5.1",
  summary:
    "Maintenance mode on, pause queues, back up the current state, approval, drop and recreate the database, load the backup, verify.",
  risk: "high",
  requiredRole: "commander",
  params: (facts) => z.object({ backup: backupParam(facts) }).strict(),
  steps: ({ target, params }) => [
    ...s.maintenance(target, true),
    s.pauseQueues(target),
    s.waitIdle(target),
    s.backup(target, "before_restore", [params.backup]),
    {
      kind: "approval-gate",
      key: "approve",
      name: "Approve restore",
      prompt: `Drop ${target.name}'s database and restore ${params.backup}? Everything written since that backup is lost (a backup of the current state was just taken).`,
      timeoutMs: 3_600_000,
    },
    {
      kind: "postgres",
      key: "restore",
      name: `Drop, recreate and restore from ${params.backup}`,
      action: "restore",
      databaseUrl: target.postgres.url,
      file: s.backupFile(target, params.backup),
      timeoutMs: 1_800_000,
    },
    ...s.verifyDatabase(target),
    s.restart(target),
    s.healthGate(target),
    s.resumeQueues(target),
    ...s.maintenance(target, false),
  ],
});
