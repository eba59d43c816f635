import { afterAll, describe, expect, it } from "vitest";
import { api, backoutSql, restoreDemo, runToEnd } from "./support/api";

afterAll(restoreDemo);

type Sample = { id: number; at: string; values: Record<string, any> };

async function samplesSince(id: number): Promise<Sample[]> {
  const body = (await api("GET", "/api/metrics?minutes=10")).body;
  return (body.samples as Sample[]).filter((s) => s.id > id);
}

async function waitForSample(after: number, predicate: (s: Sample) => boolean, timeoutMs = 45_000): Promise<Sample> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const hit = (await samplesSince(after)).find(predicate);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("no matching sample in time");
}

describe("the metrics sampler (its own process) against the demo target", () => {
  it("measures every metric the plan watches, and keeps a baseline from the healthy period", async () => {
    const s = await waitForSample(0, (x) => x.values.healthUp === true && x.values.queueLength !== undefined);
    expect(s.values).toMatchObject({ healthUp: true, dbUp: true, redisUp: true });
    for (const k of ["errorRate", "responseTimeP95Ms", "dbQueryMs", "freeMemoryBytes", "freeDiskBytes"])
      expect(typeof s.values[k], k).toBe("number");
    expect(Object.keys(s.values.queueLength)).toEqual(["ai-analysis", "document-processing"]);
    for (let i = 0; i < 20 && !(await api("GET", "/api/metrics")).body.baseline; i++)
      await new Promise((r) => setTimeout(r, 500));
    const metrics = (await api("GET", "/api/metrics")).body;
    expect(metrics.baseline.sampleCount).toBeGreaterThanOrEqual(3);
    expect(metrics.baseline.values.responseTimeP95Ms).toBeGreaterThan(0);
    expect(metrics.targets.map((t: { metric: string }) => t.metric)).toEqual([
      "errorRate",
      "responseTimeP95Ms",
      "queueLength",
      "cacheHitRate",
      "dbQueryMs",
    ]);
  });

  it("sees the error rate rise when v1.1.0 is deployed and fall after the rollback", async () => {
    const [{ max }] = (await backoutSql<{ max: number }>(
      `SELECT COALESCE(max(id), 0)::int AS max FROM metric_samples`,
    )) as [{ max: number }];
    const baseline = (await api("GET", "/api/metrics")).body.baseline;

    expect((await runToEnd("deploy", { release: "v1.1.0" })).status).toBe("succeeded");
    const broken = await waitForSample(max, (x) => x.values.errorRate >= 5);
    expect(broken.values.errorRate).toBeGreaterThanOrEqual(5);
    // v1.1.0 is ~150 ms slower per API request: well over twice the healthy baseline.
    const slow = await waitForSample(
      max,
      (x) => x.values.responseTimeP95Ms > Math.max(100, 2 * baseline.values.responseTimeP95Ms),
    );
    expect(slow.values.responseTimeP95Ms).toBeGreaterThan(100);
    // The baseline only learns from healthy samples, so the incident does not move it.
    expect((await api("GET", "/api/metrics")).body.baseline.values.responseTimeP95Ms).toBeLessThan(
      slow.values.responseTimeP95Ms / 2,
    );

    const rolledBack = await runToEnd("app-code", { release: "v1.0.0" });
    expect(rolledBack.status).toBe("succeeded");
    const finishedAt = new Date(rolledBack.finishedAt).getTime();
    const healthy = await waitForSample(
      broken.id,
      (x) => new Date(x.at).getTime() > finishedAt + 1000 && x.values.errorRate < 1 && x.values.healthUp,
    );
    expect(healthy.values.errorRate).toBeLessThan(1);
  });
});
