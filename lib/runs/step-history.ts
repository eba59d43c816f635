import "server-only";
import type { Db } from "../db/client";
import type { StepHistory } from "./estimate";

/** Median duration of each step of a runbook over its last 10 successful runs on a target (approval waits left out). */
export async function stepHistory(db: Db, runbook: string, target: string): Promise<StepHistory> {
  const rows = await db.$queryRawUnsafe<{ key: string; ms: number; runs: number }[]>(
    `WITH recent AS (
       SELECT id FROM runs WHERE runbook = $1 AND target = $2 AND status = 'succeeded' AND NOT "isDryRun"
       ORDER BY "finishedAt" DESC LIMIT 10
     )
     SELECT s.key, percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM s."finishedAt" - s."startedAt") * 1000)::float AS ms,
            (SELECT count(*) FROM recent)::int AS runs
     FROM steps s JOIN recent r ON r.id = s."runId"
     WHERE s.status = 'succeeded' AND s.kind <> 'approval-gate' AND s."startedAt" IS NOT NULL AND s."finishedAt" IS NOT NULL
     GROUP BY s.key`,
    runbook,
    target,
  );
  const runs =
    rows[0]?.runs ??
    (
      await db.$queryRawUnsafe<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM runs WHERE runbook = $1 AND target = $2 AND status = 'succeeded' AND NOT "isDryRun" LIMIT 10) x`,
        runbook,
        target,
      )
    )[0]!.n;
  return { runs, medianMs: Object.fromEntries(rows.map((r) => [r.key, r.ms])) };
}
