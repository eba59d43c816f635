import { z } from "zod";
import { defineRunbook } from "../types";
import { backupParam } from "../params";
import * as s from "../steps";

// plan §5.2 Data Rollback: put named records back to their values in a backup.
export const dataRollback = defineRunbook({
  id: "data-rollback",
  title: "Data rollback of named records",
  planSection: "5.2",
  summary:
    "Show the affected records, back up, approval by a second person, restore just those records from a backup in one transaction, show them again.",
  risk: "high",
  requiredRole: "commander",
  params: (facts, target) =>
    z
      .object({
        backup: backupParam(facts),
        table: z.enum(target.postgres.dataTables as [string, ...string[]], {
          error: `one of the target's data tables: ${target.postgres.dataTables.join(", ") || "(none configured)"}`,
        }),
        ids: z
          .array(
            z.union([
              z.number().int().positive(),
              z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "ids are letters, digits, _ or -"),
            ]),
          )
          .min(1, "name at least one record id")
          .max(1000, "at most 1000 ids per run"),
      })
      .strict(),
  steps: ({ target, params }) => {
    const show = (key: string, name: string) => ({
      kind: "postgres" as const,
      key,
      name,
      action: "verify" as const,
      databaseUrl: target.postgres.url,
      isIdempotent: true,
      timeoutMs: 60_000,
      // ids were validated as integers or [A-Za-z0-9_-] tokens; they are bound as literals here only for display.
      queries: [
        {
          name: `${params.table} (selected)`,
          sql: `SELECT * FROM ${params.table} WHERE id::text IN (${params.ids.map((id) => `'${String(id)}'`).join(", ")}) LIMIT 100`,
        },
      ],
    });
    return [
      show("identify-records", "Identify affected records"),
      s.backup(target, "before_data_rollback", [params.backup]),
      // High-risk like a full restore: a second person looks at the records shown above first.
      {
        kind: "approval-gate" as const,
        key: "approve",
        name: "Approve data rollback",
        prompt: `Overwrite ${params.ids.length} ${params.table} record(s) with their values in ${params.backup}? Their current values are in the backup just taken.`,
        timeoutMs: 3_600_000,
      },
      {
        kind: "postgres",
        key: "restore-records",
        name: `Restore ${params.ids.length} ${params.table} record(s) from ${params.backup}`,
        action: "restore-records",
        databaseUrl: target.postgres.url,
        file: s.backupFile(target, params.backup),
        table: params.table,
        ids: params.ids,
        timeoutMs: 900_000,
      },
      show("verify-records", "Verify restored records"),
    ];
  },
});
