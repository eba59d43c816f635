import { describe, expect, it } from "vitest";
import {
  decisionMatrix,
  DOWN_CONFIRM_SAMPLES,
  evaluateDecision,
  type Baseline,
  type DecisionInput,
  type MetricValues,
  type StatedFacts,
} from "@/lib/plan";
import { baseline, healthy, MIN, series } from "./fixtures";

function input(
  values: Partial<MetricValues>[],
  facts: StatedFacts = {},
  base: Baseline | null = baseline(),
  stepMs = MIN,
): DecisionInput {
  return { history: series(values, stepMs), baseline: base, facts };
}

function rowOf(id: string, i: DecisionInput) {
  const r = evaluateDecision(i).rows.find((x) => x.row.id === id);
  if (!r) throw new Error(`no row "${id}"`);
  return r;
}

describe("plan §2 decision matrix", () => {
  it("is the plan's table, row for row", () => {
    expect(decisionMatrix.map((r) => [r.issue, r.severity, r.rollback, r.notes])).toEqual([
      ["API completely down", "P0", "yes", "Immediate"],
      ["Database connection failed", "P0", "yes", "Immediate"],
      ["Data corruption detected", "P0", "yes", "Stop all writes first"],
      ["Error rate >10%", "P1", "yes", "After quick fix attempt"],
      ["Error rate 5-10%", "P1", "maybe", "Investigate first"],
      ["Response time >2x baseline", "P2", "maybe", "Try optimization first"],
      ["Single feature broken", "P2", "maybe", "Feature flag if possible"],
      ["Minor UI issue", "P3", "no", "Hot fix instead"],
      ["Performance slightly degraded", "P3", "no", "Monitor and optimize"],
    ]);
  });

  it("reports every row, in the plan's order, matched or not", () => {
    expect(evaluateDecision(input([healthy()])).rows.map((r) => r.row.id)).toEqual(decisionMatrix.map((r) => r.id));
  });
});

// One case that matches each row and one that just misses it. Baseline p95 is 240 ms.
const down = (key: "healthUp" | "dbUp", n: number) => [
  healthy(),
  ...Array.from({ length: n }, () => healthy({ [key]: false })),
];
// A response time held for a minute (two samples a minute apart), as the rows need before they count.
const held = (over: Partial<MetricValues>) => [healthy(over), healthy(over)];
const tinyBaseline: Baseline = { ...baseline(), values: { ...baseline().values, responseTimeP95Ms: 8.6 } };
const cases: [row: string, label: string, matched: boolean, why: string, i: DecisionInput][] = [
  [
    "api-down",
    `down in ${DOWN_CONFIRM_SAMPLES} samples in a row`,
    true,
    "health endpoint down in the last 3 samples for 2 min",
    input(down("healthUp", 3)),
  ],
  [
    "api-down",
    "down in only 2 samples in a row",
    false,
    "health endpoint down in 2 sample(s) in a row, needs 3",
    input(down("healthUp", 2)),
  ],
  ["api-down", "up", false, "health endpoint up", input([healthy()])],
  ["api-down", "not measured", false, "health endpoint not measured", input([{ errorRate: 1 }])],
  [
    "db-connection-failed",
    "SELECT 1 failing in 3 samples in a row",
    true,
    "database connection failing in the last 4 samples for 3 min",
    input(down("dbUp", 4)),
  ],
  [
    "db-connection-failed",
    "failing in only 2 samples",
    false,
    "database connection failing in 2 sample(s) in a row, needs 3",
    input(down("dbUp", 2)),
  ],
  [
    "data-corruption",
    "stated",
    true,
    "data corruption: stated by the commander",
    input([healthy()], { dataCorruption: true }),
  ],
  ["data-corruption", "not stated", false, "no data corruption stated", input([healthy()], { dataCorruption: false })],
  [
    "error-rate-over-10",
    "10.1%",
    true,
    "error rate 10.1% > 10% in the latest sample",
    input([healthy({ errorRate: 10.1 })]),
  ],
  ["error-rate-over-10", "exactly 10%", false, "error rate 10% ≤ 10%", input([healthy({ errorRate: 10 })])],
  ["error-rate-over-10", "not measured", false, "error rate not measured", input([{ healthUp: true }])],
  ["error-rate-5-10", "exactly 5%", true, "error rate 5% within 5–10%", input([healthy({ errorRate: 5 })])],
  ["error-rate-5-10", "exactly 10%", true, "error rate 10% within 5–10%", input([healthy({ errorRate: 10 })])],
  ["error-rate-5-10", "4.9%", false, "error rate 4.9% < 5%", input([healthy({ errorRate: 4.9 })])],
  ["error-rate-5-10", "10.1%", false, "error rate 10.1% > 10%", input([healthy({ errorRate: 10.1 })])],
  [
    "response-time-over-2x",
    "481 ms for a minute",
    true,
    "response time p95 481 ms > 2× baseline 240 ms (2.004×) and over 300 ms for 1 min (≥ 30 s)",
    input(held({ responseTimeP95Ms: 481 })),
  ],
  [
    "response-time-over-2x",
    "exactly 480 ms",
    false,
    "response time p95 480 ms ≤ 2× baseline 240 ms (2×)",
    input(held({ responseTimeP95Ms: 480 })),
  ],
  [
    "response-time-over-2x",
    "900 ms in one sample only",
    false,
    "not yet the 30 s that makes it more than noise",
    input([healthy({ responseTimeP95Ms: 900 })]),
  ],
  // The false alarm a resolved incident showed: 25.7 ms against an 8.6 ms baseline is 3×, and nothing.
  [
    "response-time-over-2x",
    "25.7 ms against an 8.6 ms baseline",
    false,
    "under the plan's 300 ms target: not degraded",
    input(held({ responseTimeP95Ms: 25.7 }), {}, tinyBaseline),
  ],
  [
    "response-time-over-2x",
    "no baseline",
    false,
    "no baseline response time yet",
    input([healthy({ responseTimeP95Ms: 900 })], {}, null),
  ],
  [
    "single-feature-broken",
    "stated, with a flag",
    true,
    "single feature broken: stated by the commander; a feature flag can disable it",
    input([healthy()], { singleFeatureBroken: true, featureFlagAvailable: true }),
  ],
  [
    "single-feature-broken",
    "stated, no flag",
    true,
    "no feature flag stated",
    input([healthy()], { singleFeatureBroken: true }),
  ],
  ["single-feature-broken", "not stated", false, "no single feature broken stated", input([healthy()])],
  [
    "minor-ui-issue",
    "stated",
    true,
    "minor UI issue: stated by the commander",
    input([healthy()], { minorUiIssue: true }),
  ],
  ["minor-ui-issue", "not stated", false, "no minor UI issue stated", input([healthy()])],
  [
    "performance-slightly-degraded",
    "300 ms for a minute (1.25×)",
    true,
    "response time p95 300 ms is 1.25× baseline 240 ms (> 1.2×, ≤ 2×) and over 300 ms for 1 min",
    input(held({ responseTimeP95Ms: 300 })),
  ],
  [
    "performance-slightly-degraded",
    "exactly 2× (480 ms)",
    true,
    "response time p95 480 ms is 2× baseline 240 ms",
    input(held({ responseTimeP95Ms: 480 })),
  ],
  [
    "performance-slightly-degraded",
    "289 ms: over 1.2× but under the 300 ms target",
    false,
    "under the plan's 300 ms target: not degraded",
    input(held({ responseTimeP95Ms: 289 })),
  ],
  [
    "performance-slightly-degraded",
    "exactly 1.2× (288 ms)",
    false,
    "response time p95 288 ms ≤ 1.2× baseline 240 ms (1.2×)",
    input(held({ responseTimeP95Ms: 288 })),
  ],
  [
    "performance-slightly-degraded",
    "481 ms (over 2×)",
    false,
    "response time p95 481 ms > 2× baseline 240 ms",
    input(held({ responseTimeP95Ms: 481 })),
  ],
];

describe("each row matches its case and just misses the one next to it", () => {
  it("has cases for every row, matching and missing", () => {
    for (const row of decisionMatrix)
      expect(
        [true, false].map((m) => cases.some(([id, , matched]) => id === row.id && matched === m)),
        row.id,
      ).toEqual([true, true]);
  });

  it.each(cases)("%s: %s → matched %s", (id, _label, matched, why, i) => {
    const r = rowOf(id, i);
    expect(r.matched).toBe(matched);
    expect(r.why).toContain(why);
  });
});

describe("verdict: the strongest matched row (yes > maybe > no)", () => {
  const cases: [label: string, verdict: string, severity: string | null, issues: string[], i: DecisionInput][] = [
    ["nothing matched", "none", null, [], input([healthy()])],
    ["a no row alone", "no", "P3", ["Performance slightly degraded"], input(held({ responseTimeP95Ms: 300 }))],
    [
      "maybe beats no",
      "maybe",
      "P2",
      ["Single feature broken", "Minor UI issue", "Performance slightly degraded"],
      input(held({ responseTimeP95Ms: 300 }), { singleFeatureBroken: true, minorUiIssue: true }),
    ],
    [
      "yes beats maybe and no; severity is the most severe matched",
      "yes",
      "P0",
      ["Data corruption detected", "Error rate 5-10%", "Minor UI issue", "Performance slightly degraded"],
      input(held({ errorRate: 7, responseTimeP95Ms: 300 }), { dataCorruption: true, minorUiIssue: true }),
    ],
    [
      "P1 maybe over P2 maybe",
      "maybe",
      "P1",
      ["Error rate 5-10%", "Response time >2x baseline"],
      input(held({ errorRate: 6, responseTimeP95Ms: 900 })),
    ],
  ];
  it.each(cases)("%s → %s", (_label, verdict, severity, issues, i) => {
    const d = evaluateDecision(i);
    expect(d.verdict).toBe(verdict);
    expect(d.severity).toBe(severity);
    expect(d.rows.filter((r) => r.matched).map((r) => r.row.issue)).toEqual(issues);
    expect(d.why).toHaveLength(issues.length);
  });
});

describe("why quotes the measured values", () => {
  it("says how high the error rate is and for how long", () => {
    const d = evaluateDecision(input([1, 0.5, 12, 15.3, 17, 18.2].map((errorRate) => healthy({ errorRate }))));
    expect(d.verdict).toBe("yes");
    expect(d.why).toEqual([
      'error rate 18.2% > 10% for 3 min → "Error rate >10%" (P1): rollback yes — After quick fix attempt',
    ]);
  });

  it("says how slow against the baseline", () => {
    const d = evaluateDecision(
      input([healthy({ responseTimeP95Ms: 700 }), healthy({ responseTimeP95Ms: 812 })], {}, baseline(), 30_000),
    );
    expect(d.why).toEqual([
      'response time p95 812 ms > 2× baseline 240 ms (3.383×) and over 300 ms for 30 s (≥ 30 s) → "Response time >2x baseline" (P2): rollback maybe — Try optimization first',
    ]);
  });

  it("puts the deciding row first", () => {
    const d = evaluateDecision(input(down("healthUp", 3), { minorUiIssue: true }));
    expect(d.why[0]).toMatch(
      /^health endpoint down in the last 3 samples for 2 min → "API completely down" \(P0\): rollback yes — Immediate$/,
    );
    expect(d.why[1]).toContain("Hot fix instead");
  });

  it("uses the latest sample whatever order the history is in", () => {
    const i = input([healthy({ errorRate: 20 }), healthy({ errorRate: 0.1 })]);
    expect(evaluateDecision({ ...i, history: [...i.history].reverse() }).verdict).toBe("none");
  });
});
