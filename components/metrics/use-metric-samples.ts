"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { openEventStream } from "../api/event-stream";
import { incidentStreamKey, incidentStreamUrl } from "../incidents/use-incident-events";
import { CHART_WINDOW, thinForChart, type MetricValues } from "@/lib/plan";
import { api } from "../api/client";
import { useNow } from "../runs/use-now";

export const WINDOW_MS = CHART_WINDOW.windowMs;

/** One sampler reading as the API sends it (GET /api/metrics and the metrics.sample SSE event). */
export type MetricSampleJson = { id: number; seq: number; target?: string; at: string; values: Partial<MetricValues> };

export type MetricsBaselineJson = {
  from: string;
  to: string;
  sampleCount: number;
  values: Partial<Record<string, number>>;
  /** Per metric key: learnt from healthy samples, or configured in targets.json. */
  source: Partial<Record<string, "learnt" | "configured">>;
};

export type MetricsResponse = {
  target: string;
  samples: MetricSampleJson[];
  baseline: MetricsBaselineJson | null;
  latest: MetricSampleJson | null;
};

export type MetricsConnection = "connecting" | "live" | "reconnecting";

/** A sample with its time parsed once. */
export type TimedSample = MetricSampleJson & { t: number };

/**
 * The last 30 minutes of samples: the REST answer first (with the baseline), then the SSE stream,
 * which replays the window on a fresh connection and the missed samples on a reconnect. Samples
 * are deduplicated by id and batched per animation frame so the replay renders once; the window is
 * thinned for the charts (thinForChart), so an open page does the same work however long it is open.
 */
export function useMetricSamples(target?: string, incidentId?: string) {
  const qs = target ? `&target=${encodeURIComponent(target)}` : "";
  const query = useQuery({
    queryKey: ["metrics", target ?? null],
    queryFn: () => api<MetricsResponse>(`/api/metrics?minutes=30${qs}`),
    // The stream keeps the samples current; this only refreshes the baseline now and then.
    refetchInterval: 60_000,
  });
  const [live, setLive] = useState<ReadonlyMap<number, TimedSample>>(() => new Map());
  const [connection, setConnection] = useState<MetricsConnection>("connecting");

  useEffect(() => {
    let pending: TimedSample[] = [];
    let frame = 0;
    let isDisposed = false;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- another target's stream starts empty
    setLive(new Map());
    setConnection("connecting");

    const flush = () => {
      frame = 0;
      const batch = pending;
      pending = [];
      if (!batch.length || isDisposed) return;
      setLive((prev) => {
        const next = new Map(prev);
        for (const s of batch) next.set(s.id, s);
        // A page left open for hours keeps as many readings as a fresh one: the window, thinned.
        const kept = thinForChart(
          [...next.values()].sort((a, b) => a.t - b.t),
          Date.now(),
        );
        return kept.length === next.size ? next : new Map(kept.map((s) => [s.id, s]));
      });
    };

    const onSample = (msg: MessageEvent<string>) => {
      let s: MetricSampleJson;
      try {
        s = JSON.parse(msg.data) as MetricSampleJson;
      } catch {
        return;
      }
      if (typeof s.id !== "number" || !s.values) return;
      pending.push({ ...s, t: Date.parse(s.at) });
      frame ||= requestAnimationFrame(flush);
    };

    const stream = openEventStream({
      // On an incident's page the samples come on the incident's own stream (shared with its timeline).
      ...(incidentId
        ? { url: () => incidentStreamUrl(incidentId), shareKey: incidentStreamKey(incidentId) }
        : { url: () => `/api/metrics/events${target ? `?target=${encodeURIComponent(target)}` : ""}` }),
      types: ["metrics.sample"],
      onMessage: onSample,
      onStatus: (status) => !isDisposed && setConnection(status),
    });

    return () => {
      isDisposed = true;
      stream.close();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [target, incidentId]);

  // Re-cut the window every few seconds even if the stream goes quiet.
  const now = useNow(true, 5000);
  const fetched = query.data?.samples;
  const fetchedTimed = useMemo(() => (fetched ?? []).map((s) => ({ ...s, t: Date.parse(s.at) })), [fetched]);
  const samples = useMemo(() => {
    const byId = new Map<number, TimedSample>();
    for (const s of fetchedTimed) byId.set(s.id, s);
    for (const [id, s] of live) byId.set(id, s);
    return thinForChart(
      [...byId.values()].sort((a, b) => a.t - b.t),
      now,
    );
  }, [fetchedTimed, live, now]);

  return {
    samples,
    baseline: query.data?.baseline ?? null,
    target: query.data?.target ?? target,
    connection,
    now,
    query,
  };
}
