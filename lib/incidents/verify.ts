import "server-only";
import type { Db } from "../db/client";
import { loadTargets } from "../targets/load-targets";
import { baselineFor, recentSamples } from "../metrics/store";
import { getQueueStats } from "../target-ops/queues";
import { backupCare } from "../backup-checks/store";
import { checklists, evaluateProbe, type Measurements, type ProbeResult } from "../plan";
import { jobsFinishedSince } from "../target-ops/queues";
import { runningVersion } from "../target-ops/version";

/** Every key of Measurements, each set (to undefined when it could not be read this time). */
type Measured = { [K in keyof Required<Measurements>]: Measurements[K] };

/**
 * When the queues last resumed for this incident: a resume step of one of its runs, or a resume
 * control used for it; after a completed rollback without either, the rollback's end (the queues run).
 */
async function queuesResumedAt(
  db: Db,
  incident: { id: string; rollbackCompletedAt: Date | null },
): Promise<Date | null> {
  const [row] = await db.$queryRawUnsafe<{ at: Date | null }[]>(
    `SELECT greatest(
       (SELECT max(s."finishedAt") FROM steps s JOIN runs r ON r.id = s."runId"
         WHERE r."incidentId" = $1::uuid AND s.kind = 'queue' AND s.spec->>'action' = 'resume' AND s.status = 'succeeded'),
       (SELECT max(at) FROM incident_events WHERE "incidentId" = $1::uuid AND type = 'action.performed'
         AND (data->>'path' = '/api/queue/resume-all' OR data->>'path' ~ '^/api/queue/[^/]+/resume$'))
     ) AS at`,
    incident.id,
  );
  return row?.at ?? incident.rollbackCompletedAt;
}

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
  const resumedAt = await queuesResumedAt(opts.db, incident);
  const [samples, baseline, queues, jobsSinceResume, currentVersion, care] = await Promise.all([
    recentSamples(opts.db, target.name),
    baselineFor(opts.db, target),
    getQueueStats(target).catch(() => null),
    resumedAt ? jobsFinishedSince(target, resumedAt).catch(() => undefined) : Promise.resolve(undefined),
    runningVersion(target),
    backupCare(opts.db, target).catch(() => undefined),
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
  // Every measurement a probe reads, named here: a key left out does not compile (see PROBE_INPUTS).
  const measurements: Measured = {
    latest: latest?.values ?? {},
    baseline,
    newErrors:
      since && afterRollback.length ? afterRollback.filter((s) => (s.values.errorRate ?? 0) > 0).length : undefined,
    smokeTestsPassed:
      smoke && ["succeeded", "failed"].includes(smoke.status) ? smoke.status === "succeeded" : undefined,
    backupsRestored: care?.map((c) => ({
      kind: c.kind,
      newest: c.newest?.name ?? null,
      check: c.check && { status: c.check.status, durationMs: c.check.durationMs, error: c.check.error },
    })),
    queuesPaused: queues ? Object.fromEntries(Object.entries(queues).map(([q, s]) => [q, s.isPaused])) : undefined,
    jobsSinceResume,
    currentVersion: currentVersion ?? undefined,
  };
  const out: Record<string, ProbeResult & { at: string | null }> = {};
  for (const c of checklists)
    for (const item of c.items) {
      const r = evaluateProbe(item, measurements);
      if (r) out[item.id] = { ...r, at: latest?.at ?? null };
    }
  return out;
}
