import "server-only";
import type { Redis } from "ioredis";
import type { Db } from "../db/client";
import type { Target } from "../targets/schema";
import { CHART_WINDOW, computeBaseline, type Baseline, type MetricValues, type Sample } from "../plan";
import { keys } from "../redis";
import { componentHealth } from "../public/wording";

export type SampleRecord = {
  id: number;
  seq: number;
  type: "metrics.sample";
  target: string;
  at: string;
  values: Partial<MetricValues>;
};

const toRecord = (r: { id: bigint; target: string; at: Date; values: unknown }): SampleRecord => ({
  id: Number(r.id),
  seq: Number(r.id),
  type: "metrics.sample",
  target: r.target,
  at: r.at.toISOString(),
  values: r.values as Partial<MetricValues>,
});

export async function recordSample(
  db: Db,
  redis: Redis,
  target: string,
  values: Partial<MetricValues>,
  durationMs: number,
): Promise<SampleRecord> {
  const row = await db.metricSample.create({
    data: { target, values: values as object, durationMs: Math.round(durationMs) },
  });
  const record = toRecord(row);
  void redis.publish(keys.metrics(), JSON.stringify(record)).catch(() => {});
  return record;
}

/**
 * Counts a reading into its target's day (UTC): the status page's uptime history, kept after the
 * samples are pruned. Up is anything but down; degraded is counted apart.
 */
export async function countHealthDay(
  db: Pick<Db, "$executeRawUnsafe">,
  target: string,
  at: Date,
  values: Partial<MetricValues>,
): Promise<void> {
  const { health } = componentHealth({ at, values }, at, Number.POSITIVE_INFINITY);
  if (health === "unknown") return;
  await db.$executeRawUnsafe(
    `INSERT INTO target_health_days (target, day, samples, up, degraded) VALUES ($1, ($2::timestamptz AT TIME ZONE 'UTC')::date, 1, $3, $4)
     ON CONFLICT (target, day) DO UPDATE SET samples = target_health_days.samples + 1, up = target_health_days.up + EXCLUDED.up, degraded = target_health_days.degraded + EXCLUDED.degraded`,
    target,
    at.toISOString(),
    health === "down" ? 0 : 1,
    health === "degraded" ? 1 : 0,
  );
}

export async function listSamples(
  db: Db,
  target: string,
  opts: { sinceMs?: number; afterId?: number; limit?: number } = {},
): Promise<SampleRecord[]> {
  const rows = await db.metricSample.findMany({
    where: {
      target,
      at: { gte: new Date(Date.now() - (opts.sinceMs ?? 30 * 60_000)) },
      ...(opts.afterId ? { id: { gt: BigInt(opts.afterId) } } : {}),
    },
    orderBy: { id: "asc" },
    take: opts.limit ?? 5000,
  });
  return rows.map(toRecord);
}

const recentWindows = new Map<string, SampleRecord[]>();

/**
 * The last 30 minutes of a target's samples, every one, as the decision and the checklists read
 * them: kept per process and topped up with only the samples after the newest one held, so that
 * twenty open decision panels polling cost twenty small queries, not twenty reads of the window.
 */
export async function recentSamples(db: Db, target: string): Promise<SampleRecord[]> {
  const WINDOW_MS = 30 * 60_000;
  const held = recentWindows.get(target);
  const fresh = await listSamples(db, target, {
    sinceMs: WINDOW_MS,
    ...(held?.length ? { afterId: held.at(-1)!.id } : {}),
  });
  // Another caller may have topped it up meanwhile: add only what is newer than what is held now.
  const now = recentWindows.get(target) ?? [];
  const newest = now.at(-1)?.id ?? 0;
  const cutoff = Date.now() - WINDOW_MS;
  const window = [...now.filter((s) => Date.parse(s.at) >= cutoff), ...fresh.filter((s) => s.id > newest)];
  recentWindows.set(target, window);
  return window;
}

/**
 * The charts' window of a target's samples, thinned as the console draws it (lib/plan CHART_WINDOW):
 * every sample of the last two minutes, and the newest of each 5-second slot before. What a fresh
 * page needs for its charts, at a tenth of the rows when the sampler reads every second.
 */
export async function listChartWindow(
  db: Db,
  target: string,
  opts: { windowMs?: number } = {},
): Promise<SampleRecord[]> {
  const now = Date.now();
  const from = new Date(now - (opts.windowMs ?? CHART_WINDOW.windowMs));
  const full = new Date(now - CHART_WINDOW.fullMs);
  const rows = await db.$queryRawUnsafe<{ id: bigint; target: string; at: Date; values: unknown }[]>(
    `SELECT id, target, at, values FROM metric_samples
     WHERE target = $1 AND at >= $2
       AND (at >= $3 OR id IN (
         SELECT max(id) FROM metric_samples WHERE target = $1 AND at >= $2 AND at < $3
         GROUP BY floor(extract(epoch FROM at) * 1000 / $4)))
     ORDER BY id LIMIT 5000`,
    target,
    from,
    full,
    CHART_WINDOW.slotMs,
  );
  return rows.map(toRecord);
}

export async function pruneSamples(db: Db, retentionHours: number): Promise<number> {
  const { count } = await db.metricSample.deleteMany({
    where: { at: { lt: new Date(Date.now() - retentionHours * 3600_000) } },
  });
  return count;
}

/**
 * The baseline the plan's relative rules compare against ("response time > 2x baseline"): the
 * median of the newest healthy samples (up to 60 within the retention), with configured values
 * from the targets file winning.
 */
export async function baselineFor(
  db: Db,
  target: Target,
): Promise<(Baseline & { source: Record<string, "learnt" | "configured"> }) | null> {
  const rows = await db.$queryRawUnsafe<{ at: Date; values: Partial<MetricValues> }[]>(
    `SELECT at, values FROM metric_samples
     WHERE target = $1 AND (values->>'healthUp')::boolean AND COALESCE((values->>'errorRate')::float, 0) < 1
       -- Not while a drill was running on the target: practice breaks things on purpose.
       AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i."isDrill" AND i.target = metric_samples.target
                         AND metric_samples.at >= i."detectedAt" AND metric_samples.at <= COALESCE(i."resolvedAt", now()))
     ORDER BY id DESC LIMIT 60`,
    target.name,
  );
  // Healthy samples only (up, under the plan §6.4 error-rate target): the WHERE above.
  const samples: Sample[] = rows.map((r) => ({ at: new Date(r.at), values: r.values }));
  const learnt = computeBaseline(samples);
  const configured = target.baseline;
  if (!learnt && Object.keys(configured).length === 0) return null;
  const source: Record<string, "learnt" | "configured"> = {};
  const values = { ...(learnt?.values ?? {}) };
  for (const k of Object.keys(values)) source[k] = "learnt";
  for (const [k, v] of Object.entries(configured)) {
    if (v === undefined) continue;
    (values as Record<string, number>)[k] = v;
    source[k] = "configured";
  }
  const now = new Date();
  return { from: learnt?.from ?? now, to: learnt?.to ?? now, sampleCount: learnt?.sampleCount ?? 0, values, source };
}
