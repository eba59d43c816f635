import { describe, expect, it } from "vitest";
import { judgeDeploy, MIN_AFTER_READINGS, MIN_BASELINE_READINGS } from "@/lib/deploys/judge";
import type { MetricValues, Sample } from "@/lib/plan";

// The judge, table-driven: the demo's own shapes — identical distributions, 20% errors, 3× latency,
// a shift inside the tolerance — and a baseline too short to judge from.
const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);
// A repeatable wobble, so that "the same distribution" is not the same numbers.
const wobble = (i: number, spread: number) => ((((i * 7919) % 13) - 6) / 6) * spread;

function readings(n: number, startS: number, values: (i: number) => Partial<MetricValues>): Sample[] {
  return Array.from({ length: n }, (_, i) => ({
    at: new Date(T0 + (startS + i) * 1000),
    values: { healthUp: true, dbUp: true, redisUp: true, ...values(i) },
  }));
}
const healthy = (i: number) => ({ errorRate: Math.max(0, 0.3 + wobble(i, 0.3)), responseTimeP95Ms: 40 + wobble(i, 6) });
const before = readings(30, -30, healthy);

const cases: {
  name: string;
  /** The readings before the deploy, when not the usual 40 ms ones. */
  before?: Sample[];
  after: Sample[];
  verdict: string;
  rows?: string[];
  metric?: { errorRate?: string; responseTimeP95Ms?: string };
}[] = [
  {
    name: "the same distribution after as before",
    after: readings(20, 0, (i) => healthy(i + 3)),
    verdict: "pass",
    metric: { errorRate: "pass", responseTimeP95Ms: "pass" },
  },
  {
    name: "20% of requests failing (v1.1.0)",
    after: readings(6, 0, (i) => ({ ...healthy(i), errorRate: 20 + wobble(i, 2) })),
    verdict: "fail",
    rows: ["error-rate-over-10"],
    metric: { errorRate: "fail" },
  },
  {
    name: "5% errors: under the plan's 10% row, but a real regression the test sees",
    after: readings(10, 0, (i) => ({ ...healthy(i), errorRate: 5 + wobble(i, 0.5) })),
    verdict: "fail",
    rows: [],
    metric: { errorRate: "fail", responseTimeP95Ms: "pass" },
  },
  {
    name: "3× slower, no errors",
    after: readings(10, 0, (i) => ({ ...healthy(i), responseTimeP95Ms: 120 + wobble(i, 10) })),
    verdict: "fail",
    metric: { errorRate: "pass", responseTimeP95Ms: "fail" },
  },
  {
    name: "10% slower: a shift inside the tolerance",
    after: readings(20, 0, (i) => ({ ...healthy(i), responseTimeP95Ms: 44 + wobble(i, 6) })),
    verdict: "pass",
    metric: { responseTimeP95Ms: "pass" },
  },
  {
    name: "30% slower, and 12 ms: under the 25 ms a response time may move whatever the ratio",
    after: readings(20, 0, (i) => ({ ...healthy(i), responseTimeP95Ms: 52 + wobble(i, 3) })),
    verdict: "pass",
    metric: { responseTimeP95Ms: "pass" },
  },
  {
    name: "30% slower on a slower service (120 → 156 ms): marginal",
    before: readings(30, -30, (i) => ({ ...healthy(i), responseTimeP95Ms: 120 + wobble(i, 8) })),
    after: readings(20, 0, (i) => ({ ...healthy(i), responseTimeP95Ms: 156 + wobble(i, 5) })),
    verdict: "marginal",
    metric: { responseTimeP95Ms: "marginal" },
  },
  {
    name: "a fast service under load: 5 → 19 ms is 4×, and noise",
    before: readings(30, -30, (i) => ({ ...healthy(i), responseTimeP95Ms: 5 + wobble(i, 1) })),
    after: readings(20, 0, (i) => ({ ...healthy(i), responseTimeP95Ms: 19 + wobble(i, 3) })),
    verdict: "pass",
    metric: { responseTimeP95Ms: "pass" },
  },
  {
    name: "one noisy reading (2 of 10 probes failed) among healthy ones: not the plan's 10% row",
    after: readings(6, 0, (i) => ({ ...healthy(i), errorRate: i === 5 ? 20 : healthy(i).errorRate })),
    verdict: "pass",
    rows: [],
  },
  {
    name: "20% errors on the first two readings only: not yet",
    after: readings(2, 0, () => ({ errorRate: 20, responseTimeP95Ms: 40 })),
    verdict: "pending",
    rows: [],
  },
  {
    name: "the health endpoint down after the deploy",
    after: readings(3, 0, () => ({ healthUp: false })),
    verdict: "fail",
    rows: ["api-down"],
  },
];

describe("judgeDeploy", () => {
  it.each(cases)("$name → $verdict", ({ before: own, after, verdict, rows, metric }) => {
    const j = judgeDeploy({ before: own ?? before, after });
    expect(j.verdict, j.why.join("\n")).toBe(verdict);
    expect(j.isBaselineEnough).toBe(true);
    if (rows) expect(j.rows.map((r) => r.id)).toEqual(rows);
    for (const [m, v] of Object.entries(metric ?? {}))
      expect(j.metrics.find((x) => x.metric === m)?.verdict, `${m}: ${j.why.join("\n")}`).toBe(v);
  });

  it("shows the measured values behind a verdict: medians, U, p and the effect", () => {
    const j = judgeDeploy({ before, after: readings(6, 0, (i) => ({ ...healthy(i), errorRate: 20 + wobble(i, 2) })) });
    const e = j.metrics.find((m) => m.metric === "errorRate")!;
    expect(e.before.readings).toBe(30);
    expect(e.after.readings).toBe(6);
    expect(e.after.median).toBeGreaterThan(18);
    expect(e.u).toBe(6 * 30);
    expect(e.p).toBeLessThan(0.001);
    expect(e.effect).toBe(1);
    expect(j.why.join("\n")).toMatch(/plan §2 "Error rate >10%"/);
  });

  it(`waits for ${MIN_AFTER_READINGS} readings after the deploy before the test speaks`, () => {
    const j = judgeDeploy({ before, after: readings(MIN_AFTER_READINGS - 1, 0, healthy) });
    expect(j.verdict).toBe("pending");
    expect(j.metrics.every((m) => m.verdict === "pending")).toBe(true);
  });

  it(`says when fewer than ${MIN_BASELINE_READINGS} healthy readings came before, and judges by the plan's rows alone`, () => {
    const short = readings(MIN_BASELINE_READINGS - 1, -9, healthy);
    const slow = judgeDeploy({
      before: short,
      after: readings(10, 0, (i) => ({ ...healthy(i), responseTimeP95Ms: 60 })),
    });
    expect(slow.isBaselineEnough).toBe(false);
    expect(slow.verdict).toBe("pending");
    expect(slow.why.join("\n")).toMatch(/too few healthy readings before the deploy \(9; 10 needed\)/);
    const broken = judgeDeploy({ before: short, after: readings(6, 0, (i) => ({ ...healthy(i), errorRate: 25 })) });
    expect(broken.verdict).toBe("fail");
    expect(broken.rows.map((r) => r.id)).toEqual(["error-rate-over-10"]);
  });
});
