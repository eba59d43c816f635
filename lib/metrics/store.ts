import "server-only";
import type { Redis } from "ioredis";
import type { Db } from "../db/client";
import type { Target } from "../targets/schema";
import { computeBaseline, type Baseline, type MetricValues, type Sample } from "../plan";
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
