import { z } from "zod";
import { defineRunbook } from "../types";
import * as s from "../steps";

// plan §11.2 Database Backup Script: pg_dump | gzip, report the size, keep the last N.
export const dbBackup = defineRunbook({
  id: "db-backup",
  isRollback: false,
  title: "Database backup",
  planSection: "11.2",
  summary: "pg_dump the target's database, gzip it, report its size, keep only the newest backups.",
  risk: "low",
  params: () => z.object({}).strict(),
  steps: ({ target }) => [{ ...s.backup(target), name: "Create database backup" }],
});
