import "server-only";
import type { Db } from "../db/client";
import { loadTargets } from "../targets/load-targets";
import { baselineFor, listSamples } from "../metrics/store";
import { getQueueStats } from "../target-ops/queues";
import { listBackups } from "../steps/executors/postgres";
import { checklists, evaluateProbe, type Measurements, type ProbeResult } from "../plan";

/**
 * What the system can verify on its own, item by item (plan §6.1 health, SELECT 1, PING, no new
 * errors; §6.4 metrics within target; §9 backup available…), with the measured value. A person
 * can still tick or untick with a reason; this never ticks anything by itself.
 */
export async function verifyChecklists(opts: {
  db: Db;
  incident: { id: string; target: string; rollbackCompletedAt: Date | null };
}): Promise<Record<string, ProbeResult & { at: string | null }>> {
  const { incident } = opts;
  // A target since removed from targets.json: nothing can be probed, the ticks still stand.
  const target = loadTargets().targets.find((t) => t.name === incident.target);
  if (!target) return {};
  const [samples, baseline, queues] = await Promise.all([
    listSamples(opts.db, target.name, { sinceMs: 30 * 60_000 }),
    baselineFor(opts.db, target),
    getQueueStats(target).catch(() => null),
  ]);
  const latest = samples.at(-1);
  const since = incident?.rollbackCompletedAt;
  // "No new errors" since the rollback completed: any sample after it with a non-zero error rate.
  const afterRollback = since ? samples.filter((s) => new Date(s.at) > since) : [];
  const smoke = await opts.db.step.findFirst({
    where: { key: "smoke-tests", run: { incidentId: incident.id } },
    orderBy: { finishedAt: "desc" },
    select: { status: true },
  });
  const measurements: Measurements = {
    latest: latest?.values ?? {},
    baseline,
    ...(since && afterRollback.length ? { newErrors: afterRollback.filter((s) => (s.values.errorRate ?? 0) > 0).length } : {}),
    ...(smoke && ["succeeded", "failed"].includes(smoke.status) ? { smokeTestsPassed: smoke.status === "succeeded" } : {}),
    backupsAvailable: listBackups(target.postgres.backupDir).length,
    ...(queues ? { queuesPaused: Object.fromEntries(Object.entries(queues).map(([q, s]) => [q, s.isPaused])) } : {}),
  };
  const out: Record<string, ProbeResult & { at: string | null }> = {};
  for (const c of checklists)
    for (const item of c.items) {
      const r = evaluateProbe(item, measurements);
      if (r) out[item.id] = { ...r, at: latest?.at ?? null };
    }
  return out;
}
