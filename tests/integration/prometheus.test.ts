import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BASE, bearer, startRun, waitForRun } from "./support/api";

// Read with a real parser of the exposition format: the Prometheus project's own Python client
// (Debian's python3-prometheus-client, installed by .ci/run), which refuses malformed text.
type Sample = { name: string; labels: Record<string, string>; value: number };
type Family = { name: string; type: string; samples: Sample[] };

const PARSE = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for f in text_string_to_metric_families(sys.stdin.read()):
    out.append({"name": f.name, "type": f.type, "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in f.samples]})
print(json.dumps(out))
`;

async function scrape(): Promise<Family[]> {
  const res = await fetch(`${BASE}/metrics`, { headers: bearer("viewer") });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
  const text = await res.text();
  return JSON.parse(execFileSync("/usr/bin/python3", ["-c", PARSE], { input: text }).toString()) as Family[];
}

describe("GET /metrics (Prometheus text format)", () => {
  it("needs a token, and exposes runs, step durations, active runs, streams, queues, sampler readings and deliveries", async () => {
    expect((await fetch(`${BASE}/metrics`)).status).toBe(401);
    expect((await waitForRun(await startRun("db-backup"))).status).toBe("succeeded");
    // A console stream held open while scraping.
    const ctrl = new AbortController();
    const stream = await fetch(`${BASE}/api/incidents/events`, { headers: bearer("viewer"), signal: ctrl.signal });
    expect(stream.status).toBe(200);
    const families = await scrape();
    ctrl.abort();
    const byName = new Map(families.map((f) => [f.name, f]));
    // (The parser names a counter's family without its _total suffix.)
    for (const name of [
      "backout_runs",
      "backout_runs_active",
      "backout_step_duration_seconds",
      "backout_sse_connections",
      "backout_queue_jobs",
      "backout_sampler_reading",
      "backout_sampler_up",
      "backout_sampler_last_reading_timestamp_seconds",
      "backout_webhook_deliveries",
    ])
      expect(byName.has(name), name).toBe(true);
    expect(byName.get("backout_runs")!.type).toBe("counter");
    const backups = byName
      .get("backout_runs")!
      .samples.find((s) => s.labels.runbook === "db-backup" && s.labels.status === "succeeded");
    expect(backups?.value).toBeGreaterThanOrEqual(1);
    // The step histogram, per kind: cumulative buckets ending in +Inf, equal to the count.
    const hist = byName.get("backout_step_duration_seconds")!;
    expect(hist.type).toBe("histogram");
    const buckets = hist.samples.filter(
      (s) => s.name === "backout_step_duration_seconds_bucket" && s.labels.kind === "postgres",
    );
    expect(buckets.at(-1)!.labels.le).toBe("+Inf");
    const counts = buckets.map((b) => b.value);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(
      hist.samples.find((s) => s.name === "backout_step_duration_seconds_count" && s.labels.kind === "postgres")!.value,
    );
    expect(
      byName.get("backout_sse_connections")!.samples.find((s) => s.labels.kind === "console")!.value,
    ).toBeGreaterThanOrEqual(1);
    const own = byName.get("backout_queue_jobs")!.samples.filter((s) => s.labels.owner === "backout");
    // One run queue per runner pool: local's "runs", and far's (the remote target's) "runs-far".
    expect([...new Set(own.map((s) => s.labels.queue))].sort()).toEqual(["runs", "runs-far"]);
    expect(
      own
        .filter((s) => s.labels.queue === "runs")
        .map((s) => s.labels.state)
        .sort(),
    ).toEqual(["active", "completed", "delayed", "failed", "prioritized", "waiting"]);
    expect(
      byName
        .get("backout_queue_jobs")!
        .samples.some((s) => s.labels.owner === "demo" && s.labels.queue === "ai-analysis"),
    ).toBe(true);
    expect(
      byName
        .get("backout_sampler_reading")!
        .samples.some((s) => s.labels.target === "demo" && s.labels.metric === "errorRate"),
    ).toBe(true);
  });
});
