import "server-only";
import { runbooks } from "./index";
import { getTarget } from "../targets/load-targets";
import { getTargetFacts } from "../target-ops/facts";
import { previousRelease } from "./params";
import { listBackups } from "../target-ops/backups";
import { db } from "../db/client";
import { drillHistory } from "../drills/drills";

/** What the UI needs to offer runbooks for a target: each runbook and what its pickers can choose. */
export async function runbookCatalog(targetName?: string) {
  const target = getTarget(targetName);
  const [facts, drills] = await Promise.all([
    getTargetFacts(target, { pitr: true }),
    drillHistory(db(), target.name).catch(() => ({}) as Awaited<ReturnType<typeof drillHistory>>),
  ]);
  return {
    target: {
      name: target.name,
      description: target.description,
      queues: target.redis.queues,
      cachePatterns: target.redis.cachePatterns,
      dataTables: target.postgres.dataTables,
      // Drills may run on it; with a bad release to break it first.
      rehearsal: target.rehearsal ? { badRelease: target.rehearsal.badRelease ?? null } : null,
    },
    facts: {
      ...facts,
      previousRelease: previousRelease(facts) ?? null,
      backups: listBackups(target.postgres.backupDir).map(({ file: _f, ...b }) => b),
      // What a point-in-time restore can reach; null when the target declares none.
      pitr: facts.pitr
        ? {
            range: facts.pitr.range
              ? { from: facts.pitr.range.from.toISOString(), to: facts.pitr.range.to.toISOString() }
              : null,
            backups: facts.pitr.backups.length,
            kept: facts.pitr.kept,
            missing: facts.pitr.missing,
          }
        : null,
    },
    runbooks: runbooks.map((r) => ({
      id: r.id,
      title: r.title,
      planSection: r.planSection,
      summary: r.summary,
      risk: r.risk,
      requiredRole: r.requiredRole ?? "engineer",
      timeRequired: r.timeRequired ?? null,
      isRollback: r.isRollback !== false,
      // Why this target cannot run it (it declares no point-in-time recovery…), or null.
      unavailable: r.unavailableOn?.(target) ?? null,
      // Its last drill on this target (null: never drilled here).
      lastDrill: drills[r.id] ?? null,
    })),
  };
}
