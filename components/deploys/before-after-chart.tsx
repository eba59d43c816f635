"use client";

import { useQuery } from "@tanstack/react-query";
import { formatMetric, metricInfo, metricNumber } from "@/lib/plan";
import { api } from "../api/client";
import type { MetricsResponse } from "../metrics/use-metric-samples";
import { Sparkline } from "../metrics/sparkline";

/**
 * A watched metric over the deploy: the baseline's readings, a line where the deploy ended, and the
 * readings after it, refreshed while the deploy is watched or rolled back.
 */
export function BeforeAfterCharts({
  target,
  from,
  deployedAt,
  watchUntil,
  isLive,
  now,
}: {
  target: string;
  from: number;
  deployedAt: number;
  /** The end of the watch: the chart spans it, so "after" has its room from the start. */
  watchUntil: number;
  isLive: boolean;
  now: number;
}) {
  const minutes = Math.min(24 * 60, Math.max(1, Math.ceil((now - from) / 60_000) + 1));
  const { data } = useQuery({
    queryKey: ["deploy-metrics", target, from],
    queryFn: () => api<MetricsResponse>(`/api/metrics?target=${encodeURIComponent(target)}&minutes=${minutes}`),
    refetchInterval: isLive ? 2_000 : false,
  });
  const samples = (data?.samples ?? []).map((s) => ({ t: Date.parse(s.at), values: s.values }));
  // From the first reading there is (a young stack has fewer than the baseline's minutes); to the
  // watch's end while it runs, else to the last reading (a rollback ends a watch early).
  const start = Math.min(deployedAt, Math.max(from, samples.find((s) => s.t >= from)?.t ?? from));
  const last = samples.at(-1)?.t ?? deployedAt;
  const to = isLive ? Math.max(watchUntil, last) : Math.max(last, deployedAt + 1);
  const at = ((deployedAt - start) / Math.max(1, to - start)) * 100;
  return (
    <div className="grid gap-4 sm:grid-cols-2" data-testid="before-after">
      {(["errorRate", "responseTimeP95Ms"] as const).map((metric) => (
        <div key={metric} className="relative">
          <p className="mb-1 text-xs text-zinc-400 first-letter:uppercase">
            {metricInfo[metric].label}: before the deploy | after
          </p>
          <Sparkline
            points={samples.flatMap((s) => {
              const v = metricNumber(s.values, metric);
              return v === undefined || s.t < start ? [] : [{ t: s.t, v }];
            })}
            from={start}
            to={to}
            tone="zinc"
            label={`${metricInfo[metric].label} before and after the deploy`}
            format={(v) => formatMetric(metric, v)}
          />
          <span
            aria-hidden
            className="absolute top-5 bottom-0 w-px bg-amber-400/80"
            style={{ left: `${Math.max(0, Math.min(100, at))}%` }}
            title="the deploy ended"
          />
        </div>
      ))}
    </div>
  );
}
