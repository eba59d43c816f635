import { z } from "zod";

// Test restores (issue 17): a target's newest backup restored where it cannot hurt and verified.

export const BACKUP_KINDS = ["dump", "base-backup"] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];

/** POST /api/targets/{name}/test-restores: which kind of backup to test now (its newest). */
export const requestTestRestore = z
  .object({
    kind: z.enum(BACKUP_KINDS, {
      error: `kind: "dump" (the newest database dump) or "base-backup" (the newest base backup)`,
    }),
  })
  .strict();

/** What one test restore measured. */
export type TestRestoreDetail = {
  restoreMs: number;
  verifyMs: number;
  tables: { table: string; rows: number; newest: string | null }[];
  queries: { name: string; rows: number; ms: number }[];
  /** A base backup's: the copy, and the WAL replayed after it (the estimate's measured replay rate). */
  replay?: { copyMs: number; replayMs: number; walBytes: number; backupBytes: number; until: string | null };
};

export type BackupCheckStatus = "queued" | "running" | "passed" | "failed";

/** A test restore as the target page and the API show it. */
export type BackupCheckView = {
  id: string;
  kind: BackupKind;
  backup: string;
  trigger: "schedule" | "manual";
  requestedBy: string | null;
  status: BackupCheckStatus;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  detail: TestRestoreDetail | null;
  /** What went wrong, and what to do. */
  error: string | null;
  /** The last lines it said while it ran. */
  log: string[];
};

/** Per kind of backup a target has: its newest, and the newest test restore of that one. */
export type BackupCare = {
  kind: BackupKind;
  newest: { name: string; at: string; bytes: number } | null;
  check: BackupCheckView | null;
};
