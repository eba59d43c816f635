"use client";

import {
  formatDuration,
  formatMetric,
  metricInfo,
  metricNumber,
  metricGoals,
  type BooleanMetricKey,
  type MetricGoal,
  type NumericMetricKey,
} from "@/lib/plan";
import { Badge } from "../ui/badge";
import { Card } from "../ui/card";
import { cn } from "../ui/cn";
import { CheckIcon, CrossIcon } from "../ui/icons";
import { Sparkline, type SparkTone } from "./sparkline";
import {
  WINDOW_MS,
  useMetricSamples,
  type MetricsBaselineJson,
  type MetricsConnection,
  type TimedSample,
} from "./use-metric-samples";

const UP_KEYS: readonly BooleanMetricKey[] = ["healthUp", "dbUp", "redisUp"];
const UP_LABELS: Record<BooleanMetricKey, string> = { healthUp: "Health endpoint", dbUp: "Database", redisUp: "Redis" };
const CARD_KEYS: readonly NumericMetricKey[] = [
  "errorRate",
  "responseTimeP95Ms",
  "queueLength",
  "cacheHitRate",
  "dbQueryMs",
  "freeMemoryBytes",
  "freeDiskBytes",
];
/** A sample older than this means the sampler has stopped (it samples every few seconds). */
const STALE_MS = 30_000;

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Live metrics for a target (the default target when omitted): up/down of the health endpoint,
 * database and Redis, then one card per measured metric with its plan §6.4 target, its baseline
 * and a 30-minute chart. Follows GET /api/metrics and the /api/metrics/events stream, or on an
 * incident's page the incident's own stream (one connection per page).
 */
export function MetricsPanel({ target, incidentId }: { target?: string; incidentId?: string }) {
  const { samples, baseline, target: targetName, connection, now, query } = useMetricSamples(target, incidentId);
  const latest = samples[samples.length - 1];
  const ageMs = latest ? now - latest.t : null;
  const isStale = ageMs !== null && ageMs > STALE_MS;

  return (
    // data-latest-sample: which reading is on screen (the bench times event-to-screen with it).
    <section
      aria-labelledby="metrics-heading"
      data-testid="metrics-panel"
      data-latest-sample={latest?.id ?? ""}
      className="flex flex-col gap-3"
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <h2 id="metrics-heading" className="text-base font-semibold text-zinc-100">
          Metrics{targetName ? <span className="font-normal text-zinc-400"> · {targetName}</span> : null}
        </h2>
        <ConnectionDot connection={connection} />
        <span className={cn("text-xs", isStale ? "text-amber-300" : "text-zinc-500")} aria-live="polite">
          {latest
            ? isStale
              ? `No new sample for ${formatDuration(ageMs!)}: is the sampler running?`
              : `last sample ${formatDuration(Math.max(0, ageMs!))} ago`
            : query.isPending
              ? "loading…"
              : "no samples in the last 30 minutes"}
        </span>
      </div>

      {query.isError && !samples.length && (
        <p role="alert" className="rounded-md border border-red-900 bg-red-950/40 px-3 py-2 text-sm text-red-300">
          Could not load metrics: {query.error.message}
        </p>
      )}

      <div className="grid grid-cols-1 gap-2 sm:grid-cols-3">
        {UP_KEYS.map((key) => (
          <UpChip key={key} metric={key} samples={samples} now={now} />
        ))}
      </div>

      <div className="grid grid-cols-1 gap-2 sm:grid-cols-2 xl:grid-cols-4">
        {CARD_KEYS.map((key) => (
          <MetricCard key={key} metric={key} samples={samples} latest={latest} baseline={baseline} now={now} />
        ))}
      </div>
    </section>
  );
}

function ConnectionDot({ connection }: { connection: MetricsConnection }) {
  const label = connection === "live" ? "live" : connection === "connecting" ? "connecting" : "reconnecting";
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-zinc-400" title="Live updates from the sampler">
      <span
        aria-hidden
        className={cn("size-2 rounded-full", connection === "live" ? "bg-emerald-400" : "animate-pulse bg-amber-400")}
      />
      {label}
    </span>
  );
}

const BUCKETS = 60;

/** Up or down now, with a 30-minute strip (one cell per 30 s: red if any sample was down). */
function UpChip({ metric, samples, now }: { metric: BooleanMetricKey; samples: readonly TimedSample[]; now: number }) {
  const latest = [...samples].reverse().find((s) => s.values[metric] !== undefined);
  const value = latest?.values[metric];
  const from = now - WINDOW_MS;
  const cells: ("up" | "down" | "none")[] = Array.from({ length: BUCKETS }, () => "none");
  let downCount = 0;
  for (const s of samples) {
    const v = s.values[metric];
    if (v === undefined) continue;
    if (!v) downCount++;
    const i = Math.min(BUCKETS - 1, Math.max(0, Math.floor(((s.t - from) / WINDOW_MS) * BUCKETS)));
    if (!v) cells[i] = "down";
    else if (cells[i] === "none") cells[i] = "up";
  }
  const state = value === undefined ? "unknown" : value ? "up" : "down";
  return (
    <Card
      data-testid={`up-${metric}`}
      data-up={state === "unknown" ? "n/a" : String(state === "up")}
      className={cn("flex flex-col gap-1.5 px-3 py-2", state === "down" && "border-red-800 bg-red-950/30")}
    >
      <div className="flex items-center justify-between gap-2">
        <span className="text-sm text-zinc-300">{UP_LABELS[metric]}</span>
        <Badge tone={state === "up" ? "green" : state === "down" ? "red" : "zinc"}>
          {state === "up" ? <CheckIcon size={12} /> : state === "down" ? <CrossIcon size={12} /> : null}
          {state === "up" ? "UP" : state === "down" ? "DOWN" : "not measured"}
        </Badge>
      </div>
      <div
        className="flex h-2 gap-px"
        role="img"
        aria-label={`${metricInfo[metric].label}: down in ${downCount} of ${samples.length} samples in the last 30 minutes`}
      >
        {cells.map((c, i) => (
          <span
            key={i}
            className={cn(
              "flex-1 rounded-[1px]",
              c === "up" ? "bg-emerald-600/70" : c === "down" ? "bg-red-500" : "bg-zinc-800",
            )}
          />
        ))}
      </div>
      <span className="text-[11px] text-zinc-500">
        {downCount ? `down in ${downCount} of ${samples.length} samples (30 min)` : "no failures in 30 min"}
      </span>
    </Card>
  );
}

function meets(t: MetricGoal, v: number): boolean {
  return t.op === "<" ? v < t.value : v > t.value;
}

function MetricCard({
  metric,
  samples,
  latest,
  baseline,
  now,
}: {
  metric: NumericMetricKey;
  samples: readonly TimedSample[];
  latest: TimedSample | undefined;
  baseline: MetricsBaselineJson | null;
  now: number;
}) {
  // The §6.4 threshold comes from the plan module: GET /api/metrics reuses `value` for the measurement.
  const target = metricGoals.find((t) => t.metric === metric);
  const value = latest ? metricNumber(latest.values, metric) : undefined;
  const isMet = target && value !== undefined ? meets(target, value) : undefined;
  const tone: SparkTone = isMet === undefined ? "zinc" : isMet ? "green" : "red";
  const points = samples.flatMap((s) => {
    const v = metricNumber(s.values, metric);
    return v === undefined ? [] : [{ t: s.t, v }];
  });
  const base = baseline?.values[metric];
  const isConfigured = baseline?.source[metric] === "configured";
  const label = capitalise(metricInfo[metric].label);
  const perQueue =
    metric === "queueLength" && latest?.values.queueLength
      ? Object.entries(latest.values.queueLength).sort(([a], [b]) => a.localeCompare(b))
      : [];

  return (
    <Card
      data-testid={`metric-${metric}`}
      data-value={value === undefined ? "" : String(value)}
      data-meets-target={isMet === undefined ? "n/a" : String(isMet)}
      className={cn("flex min-w-0 flex-col gap-1 p-3", isMet === false && "border-red-900/80")}
    >
      <div className="flex items-start justify-between gap-2">
        <h3
          className="text-xs font-medium tracking-wide text-zinc-400 uppercase"
          title={target ? `plan §6.4: ${target.label} ${target.target} (${target.howToCheck})` : undefined}
        >
          {label}
        </h3>
        {target && (
          <Badge
            tone={isMet === undefined ? "zinc" : isMet ? "green" : "red"}
            title={`plan §6.4 target: ${target.target}`}
          >
            {isMet === true && <CheckIcon size={12} />}
            {isMet === false && <CrossIcon size={12} />}
            <span>
              <span className="sr-only">{isMet === undefined ? "" : isMet ? "meets " : "misses "}</span>target{" "}
              {target.target}
            </span>
          </Badge>
        )}
      </div>
      <div className="flex flex-wrap items-baseline gap-x-2">
        <span
          className={cn(
            "text-2xl font-semibold tabular-nums",
            isMet === undefined ? "text-zinc-100" : isMet ? "text-emerald-300" : "text-red-300",
          )}
        >
          {value === undefined ? "—" : formatMetric(metric, value)}
        </span>
        {value === undefined && <span className="text-xs text-zinc-500">not measured</span>}
      </div>
      <div className="text-xs text-zinc-500">
        {base !== undefined ? (
          <>
            baseline {formatMetric(metric, base)}
            {isConfigured && (
              <Badge
                className="ml-1.5 align-middle"
                title="Set in targets.json rather than learnt from healthy samples"
              >
                configured
              </Badge>
            )}
          </>
        ) : (
          "no baseline yet"
        )}
      </div>
      <Sparkline
        className="mt-1"
        points={points}
        from={now - WINDOW_MS}
        to={now}
        target={target?.value}
        tone={tone}
        zeroBased={metric !== "freeMemoryBytes" && metric !== "freeDiskBytes"}
        label={label}
        format={(v) => formatMetric(metric, v)}
      />
      <div className="flex justify-between text-[10px] text-zinc-600 tabular-nums" aria-hidden>
        <span>−30 min</span>
        <span>−15</span>
        <span>now</span>
      </div>
      {perQueue.length > 0 && (
        <ul className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-zinc-400" aria-label="Per queue">
          {perQueue.map(([name, n]) => (
            <li key={name} className="tabular-nums">
              <span className="text-zinc-500">{name}</span> {n}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
