import "server-only";
import type { Db } from "../db/client";
import { loadTargets, targetPools } from "../targets/load-targets";
import { getQueueStats } from "../target-ops/queues";
import { runQueue, runQueueName } from "../runs/run-job";
import { openStreams } from "../events/gauges";
import { NUMERIC_METRIC_KEYS, totalQueueLength, type MetricValues } from "../plan";

/**
 * GET /metrics: Backout in Prometheus's text exposition format (version 0.0.4). Counts come from
 * the record (Postgres), so every web process answers the same; queue depths are read now; the
 * open streams are this process's own.
 */

const STEP_BUCKETS = [0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900];

const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const labels = (l: Record<string, string>) => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escape(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
};
const num = (n: number) => (Number.isFinite(n) ? String(n) : n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN");

class Exposition {
  private lines: string[] = [];
  family(name: string, type: "counter" | "gauge" | "histogram", help: string) {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    return this;
  }
  sample(name: string, l: Record<string, string>, value: number) {
    this.lines.push(`${name}${labels(l)} ${num(value)}`);
    return this;
  }
  text() {
    return `${this.lines.join("\n")}\n`;
  }
}

export async function prometheusText(db: Db): Promise<string> {
  const x = new Exposition();
  const [runs, active, steps, deliveries] = await Promise.all([
    db.$queryRawUnsafe<{ runbook: string; status: string; n: number }[]>(
      `SELECT runbook, status::text, count(*)::int AS n FROM runs WHERE NOT "isDryRun" GROUP BY 1, 2 ORDER BY 1, 2`,
    ),
    db.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM runs WHERE status IN ('queued', 'running', 'waiting_approval')`,
    ),
    db.$queryRawUnsafe<{ kind: string; bucket: number; n: number; total: number }[]>(
      `SELECT kind, width_bucket(secs, $1::float8[]) AS bucket, count(*)::int AS n, sum(secs)::float8 AS total
       FROM (SELECT kind, extract(epoch FROM ("finishedAt" - "startedAt"))::float8 AS secs FROM steps
             WHERE status = 'succeeded' AND "startedAt" IS NOT NULL AND "finishedAt" IS NOT NULL) s
       GROUP BY 1, 2 ORDER BY 1, 2`,
      STEP_BUCKETS,
    ),
    db.$queryRawUnsafe<{ channel: string; status: string; n: number }[]>(
      `SELECT channel, status::text, count(*)::int AS n FROM message_deliveries GROUP BY 1, 2 ORDER BY 1, 2`,
    ),
  ]);

  x.family("backout_runs_total", "counter", "Runs recorded (dry runs left out), by runbook and current status.");
  for (const r of runs) x.sample("backout_runs_total", { runbook: r.runbook, status: r.status }, r.n);
  x.family("backout_runs_active", "gauge", "Runs queued, running or waiting for approval.");
  x.sample("backout_runs_active", {}, active[0]?.n ?? 0);

  // A histogram per step kind: cumulative buckets, +Inf, sum and count.
  x.family("backout_step_duration_seconds", "histogram", "How long succeeded steps took, by step kind.");
  const kinds = [...new Set(steps.map((s) => s.kind))];
  for (const kind of kinds) {
    const rows = steps.filter((s) => s.kind === kind);
    let cumulative = 0;
    // width_bucket: 0 is below the first bound, i is [bound i-1, bound i), length+1 is past the last.
    for (let i = 0; i < STEP_BUCKETS.length; i++) {
      cumulative += rows.filter((r) => r.bucket === i).reduce((a, r) => a + r.n, 0);
      x.sample("backout_step_duration_seconds_bucket", { kind, le: String(STEP_BUCKETS[i]) }, cumulative);
    }
    const count = rows.reduce((a, r) => a + r.n, 0);
    x.sample("backout_step_duration_seconds_bucket", { kind, le: "+Inf" }, count);
    x.sample(
      "backout_step_duration_seconds_sum",
      { kind },
      Math.round(rows.reduce((a, r) => a + r.total, 0) * 1000) / 1000,
    );
    x.sample("backout_step_duration_seconds_count", { kind }, count);
  }

  const streams = openStreams();
  x.family("backout_sse_connections", "gauge", "Live event streams this web process holds open.");
  x.sample("backout_sse_connections", { kind: "console" }, streams.console);
  x.sample("backout_sse_connections", { kind: "public" }, streams.public);

  x.family("backout_queue_jobs", "gauge", "Jobs per state in Backout's own run queue and each target's queues.");
  const targets = loadTargets().targets;
  // Each runner pool's run queue ("runs" for local, "runs-<pool>" for the others).
  for (const pool of targetPools({ withLocal: true }))
    try {
      const counts = await runQueue(pool).getJobCounts(
        "waiting",
        "active",
        "delayed",
        "failed",
        "completed",
        "prioritized",
      );
      for (const [state, n] of Object.entries(counts))
        x.sample("backout_queue_jobs", { owner: "backout", queue: runQueueName(pool), state }, n);
    } catch {
      /* Redis unavailable: the gauge is absent, and backout_up below says so */
    }
  let isRedisUp = true;
  for (const t of targets) {
    try {
      const stats = await getQueueStats(t);
      for (const [queue, s] of Object.entries(stats))
        for (const [state, n] of Object.entries(s))
          if (typeof n === "number") x.sample("backout_queue_jobs", { owner: t.name, queue, state }, n);
    } catch {
      isRedisUp = false;
    }
  }

  x.family(
    "backout_sampler_reading",
    "gauge",
    "The newest sampler reading of each numeric metric, per target (queue length summed).",
  );
  const latest = await db.$queryRawUnsafe<{ target: string; at: Date; values: Partial<MetricValues> }[]>(
    `SELECT DISTINCT ON (target) target, at, values FROM metric_samples ORDER BY target, id DESC`,
  );
  for (const s of latest)
    for (const key of NUMERIC_METRIC_KEYS) {
      const v =
        key === "queueLength"
          ? s.values.queueLength
            ? totalQueueLength(s.values.queueLength)
            : undefined
          : (s.values[key] as number | undefined);
      if (typeof v === "number") x.sample("backout_sampler_reading", { target: s.target, metric: key }, v);
    }
  x.family(
    "backout_sampler_up",
    "gauge",
    "1 when the newest reading found the target's health endpoint, database and Redis up.",
  );
  for (const s of latest)
    x.sample(
      "backout_sampler_up",
      { target: s.target },
      s.values.healthUp && s.values.dbUp && s.values.redisUp ? 1 : 0,
    );
  x.family("backout_sampler_last_reading_timestamp_seconds", "gauge", "When the newest reading was taken.");
  for (const s of latest)
    x.sample(
      "backout_sampler_last_reading_timestamp_seconds",
      { target: s.target },
      Math.floor(new Date(s.at).getTime() / 1000),
    );

  x.family(
    "backout_webhook_deliveries_total",
    "counter",
    "Message deliveries (plan §7), by channel and current status.",
  );
  for (const d of deliveries)
    x.sample("backout_webhook_deliveries_total", { channel: d.channel, status: d.status }, d.n);

  x.family("backout_targets_redis_up", "gauge", "1 when every target's queues could be read for this scrape.");
  x.sample("backout_targets_redis_up", {}, isRedisUp ? 1 : 0);
  return x.text();
}
