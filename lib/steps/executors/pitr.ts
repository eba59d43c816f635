import "server-only";
import { StepFailure, throwIfAborted, type StepContext, type StepResult } from "../context";
import type { StepOf } from "../schema";
import {
  compareCopies,
  discardUnswappedCopies,
  listBaseBackups,
  restoreBeside,
  swapDataDir,
} from "../../target-ops/pitr";

// Point-in-time recovery's steps (issue 17): what they do is lib/target-ops/pitr.ts; here each is
// told as a step's output, progress and result.

async function restore(spec: StepOf<"pitr">, ctx: StepContext): Promise<StepResult> {
  const backup = listBaseBackups(spec.baseBackupsDir!).find((b) => b.name === spec.backup);
  if (!backup)
    throw new StepFailure(
      `base backup ${spec.backup} is gone from ${spec.baseBackupsDir}: start the restore again to pick the newest one before the moment`,
    );
  // A copy left by an earlier restore that was never swapped in (rejected, failed, its worker killed).
  for (const gone of await discardUnswappedCopies(spec.dataDir!))
    ctx.output("info", `Stopped and removed an earlier copy that was never swapped in: ${gone}`);
  const startedAt = Date.now();
  ctx.output("info", `Restoring ${backup.name} beside the live database into ${spec.copyDir} (port ${spec.copyPort})`);
  ctx.output("info", `Replaying archived WAL from ${spec.archiveDir} up to ${spec.at}`);
  let lastPhase = "";
  const copy = await restoreBeside({
    backupsDir: spec.baseBackupsDir!,
    backup,
    archiveDir: spec.archiveDir!,
    dataDir: spec.copyDir!,
    port: spec.copyPort!,
    at: new Date(spec.at!),
    signal: ctx.signal,
    onProgress: (p) => {
      if (p.phase !== lastPhase) ctx.output("info", p.message);
      lastPhase = p.phase;
      ctx.progress(p.percent, p.message);
    },
  }).catch((e: Error) => {
    throwIfAborted(ctx.signal);
    throw new StepFailure(`${e.message}. The live database was not touched and still serves.`);
  });
  const ms = Date.now() - startedAt;
  ctx.output(
    "info",
    `✅ Restored copy serving on port ${copy.port} (${(ms / 1000).toFixed(1)} s); the live database was not touched`,
  );
  return { copyDir: copy.dataDir, copyPort: copy.port, copyUrl: copy.url, backup: backup.name, at: spec.at, ms };
}

async function compare(spec: StepOf<"pitr">, ctx: StepContext): Promise<StepResult> {
  ctx.output("info", "Comparing the live database with the restored copy");
  const comparison = await compareCopies({
    liveUrl: spec.liveUrl,
    copyUrl: spec.copyUrl!,
    tables: spec.tables!,
    queries: spec.queries!,
  }).catch((e: Error) => {
    throw new StepFailure(
      `a verification query failed: ${e.message}. Nothing was swapped; the live database serves on.`,
    );
  });
  for (const t of comparison.tables)
    ctx.output(
      "info",
      `${t.table}: live ${t.live.rows} rows (newest ${t.live.newest ?? "—"}), copy ${t.copy.rows} rows (newest ${t.copy.newest ?? "—"}), ${t.rowsDifference >= 0 ? "+" : ""}${t.rowsDifference}`,
    );
  for (const q of comparison.queries) ctx.output("info", `${q.name}: ${q.isSame ? "the same on both" : "differs"}`);
  return { comparison };
}

async function swap(spec: StepOf<"pitr">, ctx: StepContext): Promise<StepResult> {
  const result = await swapDataDir({
    dataDir: spec.dataDir!,
    incoming: spec.incoming!,
    keepAs: spec.keepAs!,
    say: (line) => ctx.output("info", line),
  }).catch((e: Error) => {
    throw new StepFailure(e.message);
  });
  ctx.output("info", `✅ ${result.live} is live; the replaced data folder is kept as ${result.kept}`);
  return result;
}

export async function runPitr(spec: StepOf<"pitr">, ctx: StepContext): Promise<StepResult> {
  throwIfAborted(ctx.signal);
  if (spec.action === "restore-beside") return restore(spec, ctx);
  if (spec.action === "compare") return compare(spec, ctx);
  return swap(spec, ctx);
}
