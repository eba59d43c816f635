import { z } from "zod";

// Point-in-time recovery (issue 17): what a caller may ask of a target's recoverable range.
export const pitrQuery = z.object({
  // The moment to restore to, checked against the range and estimated.
  at: z.iso
    .datetime({ offset: true, error: "at: an ISO 8601 time with its zone, such as 2026-12-07T10:02:13.418Z" })
    .optional(),
});

/** What GET /api/targets/{name}/pitr answers (lib/target-ops/pitr.ts pitrOf), as the browser reads it. */
export type PitrStatus = {
  target: string;
  isDeclared: boolean;
  isAvailable?: boolean;
  why?: string;
  range?: { from: string; to: string } | null;
  backups?: { name: string; startedAt: string; finishedAt: string; bytes: number }[];
  wal?: { segments: number; bytes: number; newestCommitAt: string | null };
  moment?: {
    at: string;
    fromBackup: string;
    copyMs: number;
    replayMs: number;
    totalMs: number;
    minutesUndone: number;
    rates: { copy: string; replay: string };
  };
};

/** A point-in-time restore's side-by-side comparison (the "compare" step's result). */
export type PitrComparison = {
  tables: {
    table: string;
    live: { rows: number; newest: string | null };
    copy: { rows: number; newest: string | null };
    rowsDifference: number;
  }[];
  queries: { name: string; live: unknown[]; copy: unknown[]; isSame: boolean }[];
};
