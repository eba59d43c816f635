import "server-only";
import type { Redis } from "ioredis";
import type { Db } from "../db/client";
import type { Target } from "../targets/schema";
import { computeBaseline, type Baseline, type MetricValues, type Sample } from "../plan";
import { keys } from "../redis";

export type SampleRecord = { id: number; seq: number; type: "metrics.sample"; target: string; at: string; values: Partial<MetricValues> };

const toRecord = (r: { id: bigint; target: string; at: Date; values: unknown }): SampleRecord => ({
  id: Number(r.id), seq: Number(r.id), type: "metrics.sample", target: r.target, at: r.at.toISOString(), values: r.values as Partial<MetricValues>,
});

export async function recordSample(db: Db, redis: Redis, target: string, values: Partial<MetricValues>, durationMs: number): Promise<SampleRecord> {
  const row = await db.metricSample.create({ data: { target, values: values as object, durationMs: Math.round(durationMs) } });
  const record = toRecord(row);
  void redis.publish(keys.metrics(), JSON.stringify(record)).catch(() => {});
  return record;
}

export async function listSamples(db: Db, target: string, opts: { sinceMs?: number; afterId?: number; limit?: number } = {}): Promise<SampleRecord[]> {
  const rows = await db.metricSample.findMany({
    where: { target, at: { gte: new Date(Date.now() - (opts.sinceMs ?? 30 * 60_000)) }, ...(opts.afterId ? { id: { gt: BigInt(opts.afterId) } } : {}) },
    orderBy: { id: "asc" },
    take: opts.limit ?? 5000,
  });
  return rows.map(toRecord);
}

export async function pruneSamples(db: Db, retentionHours: number): Promise<number> {
  const { count } = await db.metricSample.deleteMany({ where: { at: { lt: new Date(Date.now() - retentionHours * 3600_000) } } });
  return count;
}

/**
 * The baseline the plan's relative rules compare against ("response time > 2x baseline"): the
 * median of the newest healthy samples (up to 60 within the retention), with configured values
 * from the targets file winning.
 */
export async function baselineFor(db: Db, target: Target): Promise<(Baseline & { source: Record<string, "learnt" | "configured"> }) | null> {
  const rows = await db.$queryRawUnsafe<{ at: Date; values: Partial<MetricValues> }[]>(
    `SELECT at, values FROM metric_samples
     WHERE target = $1 AND (values->>'healthUp')::boolean AND COALESCE((values->>'errorRate')::float, 0) < 1
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
