import type { Baseline, MetricValues, Sample } from "@/lib/plan";

export const T0 = new Date("2025-11-07T10:00:00.000Z");
export const MIN = 60_000;
export const HOUR = 60 * MIN;

/** T0 plus `ms`. */
export function at(ms: number): Date {
  return new Date(T0.getTime() + ms);
}

/** A healthy reading; `over` changes some values. */
export function healthy(over: Partial<MetricValues> = {}): Partial<MetricValues> {
  return {
    healthUp: true,
    dbUp: true,
    redisUp: true,
    errorRate: 0.2,
    responseTimeP95Ms: 240,
    queueLength: { "ai-analysis": 3, "document-processing": 2 },
    cacheHitRate: 85,
    dbQueryMs: 12,
    freeMemoryBytes: 2 * 1024 ** 3,
    freeDiskBytes: 40 * 1024 ** 3,
    ...over,
  };
}

/** Samples `stepMs` apart, starting at T0, one per entry. */
export function series(values: Partial<MetricValues>[], stepMs = 30_000): Sample[] {
  return values.map((v, i) => ({ at: at(i * stepMs), values: v }));
}

/** A baseline as computeBaseline would give it, with p95 240 ms unless told. */
export function baseline(values: Baseline["values"] = { responseTimeP95Ms: 240, errorRate: 0.2 }): Baseline {
  return { from: T0, to: at(10 * MIN), sampleCount: 20, values };
}
