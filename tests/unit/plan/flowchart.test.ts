import { describe, expect, it } from "vitest";
import {
  flowchart,
  nextNode,
  prefillAnswers,
  quickFixTimer,
  QUICK_FIX_MS,
  walk,
  type ActionId,
  type Answer,
  type MetricValues,
  type QuestionId,
  type StatedFacts,
} from "@/lib/plan";
import { at, baseline, healthy, MIN, T0 } from "./fixtures";

describe("plan §2 decision flowchart, in the plan's words", () => {
  it("asks the plan's questions", () => {
    const questions = Object.values(flowchart).flatMap((n) =>
      n.kind === "question" ? [[n.step ?? null, n.question]] : [],
    );
    expect(questions).toEqual([
      [null, "Is service down or data at risk?"],
      [null, "Error rate >10%?"],
      ["Attempt quick fix (5 min)", "Failed?"],
      [null, "Performance degraded >50%?"],
      ["Check if queue/cache issue", "Not fixable?"],
      [null, "Single feature broken?"],
      [null, "Can disable feature?"],
    ]);
  });

  it("runs a visible 5-minute timer on the quick fix only", () => {
    expect(
      Object.values(flowchart).flatMap((n) => (n.kind === "question" && n.timerMs ? [[n.id, n.timerMs]] : [])),
    ).toEqual([["quick-fix-failed", 5 * MIN]]);
  });
});

type Step = [QuestionId, Answer];
// Every path from "Issue Detected" to each action.
const paths: [action: ActionId, text: string, isRollback: boolean, isInPlan: boolean, steps: Step[]][] = [
  ["rollback-immediately", "Rollback immediately", true, true, [["service-down-or-data-at-risk", "yes"]]],
  [
    "rollback-after-quick-fix",
    "Rollback",
    true,
    true,
    [
      ["service-down-or-data-at-risk", "no"],
      ["error-rate-over-10", "yes"],
      ["quick-fix-failed", "yes"],
    ],
  ],
  [
    "quick-fix-worked",
    "Quick fix worked: no rollback, keep monitoring",
    false,
    false,
    [
      ["service-down-or-data-at-risk", "no"],
      ["error-rate-over-10", "yes"],
      ["quick-fix-failed", "no"],
    ],
  ],
  [
    "rollback-not-fixable",
    "Rollback",
    true,
    true,
    [
      ["service-down-or-data-at-risk", "no"],
      ["error-rate-over-10", "no"],
      ["performance-degraded-over-50", "yes"],
      ["queue-cache-not-fixable", "yes"],
    ],
  ],
  [
    "fix-queue-cache",
    "Fix the queue/cache issue, no full rollback",
    false,
    false,
    [
      ["service-down-or-data-at-risk", "no"],
      ["error-rate-over-10", "no"],
      ["performance-degraded-over-50", "yes"],
      ["queue-cache-not-fixable", "no"],
    ],
  ],
  [
    "rollback-feature",
    "Rollback",
    true,
    true,
    [
      ["service-down-or-data-at-risk", "no"],
      ["error-rate-over-10", "no"],
      ["performance-degraded-over-50", "no"],
      ["single-feature-broken", "yes"],
      ["can-disable-feature", "no"],
    ],
  ],
  [
    "use-feature-flag",
    "Use feature flag, fix forward",
    false,
    true,
    [
      ["service-down-or-data-at-risk", "no"],
      ["error-rate-over-10", "no"],
      ["performance-degraded-over-50", "no"],
      ["single-feature-broken", "yes"],
      ["can-disable-feature", "yes"],
    ],
  ],
  [
    "no-rollback",
    "No rollback: hot fix instead, monitor and optimize",
    false,
    false,
    [
      ["service-down-or-data-at-risk", "no"],
      ["error-rate-over-10", "no"],
      ["performance-degraded-over-50", "no"],
      ["single-feature-broken", "no"],
    ],
  ],
];

describe("walk: each path ends in its action", () => {
  it("covers every action and every answer of every question", () => {
    const actions = Object.values(flowchart)
      .filter((n) => n.kind === "action")
      .map((n) => n.id);
    expect(paths.map(([a]) => a).sort()).toEqual([...actions].sort());
    const questions = Object.values(flowchart)
      .filter((n) => n.kind === "question")
      .map((n) => n.id);
    const answered = new Set(paths.flatMap(([, , , , steps]) => steps.map(([q, a]) => `${q}:${a}`)));
    expect(questions.flatMap((q) => [`${q}:yes`, `${q}:no`]).filter((x) => !answered.has(x))).toEqual([]);
  });

  it.each(paths)("→ %s (%s)", (action, text, isRollback, isInPlan, steps) => {
    const w = walk(Object.fromEntries(steps));
    expect(w.path.map((p) => [p.node.id, p.answer])).toEqual(steps);
    expect(w.pending).toBeNull();
    expect(w.action).toMatchObject({ id: action, action: text, isRollback, isInPlan });
    // nextNode agrees step by step and stops at the action.
    const visited = steps.map(([q, a]) => nextNode(q, a));
    expect(visited[visited.length - 1]).toBe(action);
    expect(nextNode(action, "yes")).toBeNull();
  });

  it("stops at the first unanswered question", () => {
    expect(walk({})).toMatchObject({ path: [], pending: { id: "service-down-or-data-at-risk" }, action: null });
    const w = walk({ "service-down-or-data-at-risk": "no", "single-feature-broken": "yes" });
    expect(w.path.map((p) => p.node.id)).toEqual(["service-down-or-data-at-risk"]);
    expect(w.pending?.id).toBe("error-rate-over-10");
    expect(w.action).toBeNull();
  });

  it("ignores answers to questions off the path", () => {
    expect(
      walk({ "service-down-or-data-at-risk": "yes", "error-rate-over-10": "yes", "quick-fix-failed": "no" }).action?.id,
    ).toBe("rollback-immediately");
  });

  it("gives each rollback ending the severity of its matrix row", () => {
    expect(paths.map(([a]) => [a, flowchart[a].kind === "action" ? flowchart[a].severity : "?"])).toEqual([
      ["rollback-immediately", "P0"],
      ["rollback-after-quick-fix", "P1"],
      ["quick-fix-worked", null],
      ["rollback-not-fixable", "P2"],
      ["fix-queue-cache", null],
      ["rollback-feature", "P2"],
      ["use-feature-flag", null],
      ["no-rollback", null],
    ]);
  });
});

describe("prefillAnswers: metric- and fact-backed questions come pre-answered", () => {
  // Baseline p95 240 ms: "degraded >50%" is above 360 ms.
  const cases: [
    label: string,
    q: QuestionId,
    answer: Answer | undefined,
    why: string | undefined,
    latest: Partial<MetricValues>,
    facts: StatedFacts,
  ][] = [
    ["health down", "service-down-or-data-at-risk", "yes", "health endpoint down", healthy({ healthUp: false }), {}],
    [
      "database down",
      "service-down-or-data-at-risk",
      "yes",
      "database connection failing",
      healthy({ dbUp: false }),
      {},
    ],
    [
      "data corruption stated",
      "service-down-or-data-at-risk",
      "yes",
      "data corruption stated",
      healthy(),
      { dataCorruption: true },
    ],
    [
      "all up",
      "service-down-or-data-at-risk",
      "no",
      "health endpoint up; database connection up; no data corruption stated",
      healthy(),
      {},
    ],
    ["health not measured", "service-down-or-data-at-risk", undefined, undefined, { errorRate: 1 }, {}],
    ["error rate 10.1%", "error-rate-over-10", "yes", "error rate 10.1% > 10%", healthy({ errorRate: 10.1 }), {}],
    ["error rate exactly 10%", "error-rate-over-10", "no", "error rate 10% ≤ 10%", healthy({ errorRate: 10 }), {}],
    ["error rate not measured", "error-rate-over-10", undefined, undefined, { healthUp: true }, {}],
    [
      "p95 361 ms",
      "performance-degraded-over-50",
      "yes",
      "response time p95 361 ms is 1.504× baseline 240 ms (> 1.5×)",
      healthy({ responseTimeP95Ms: 361 }),
      {},
    ],
    [
      "p95 exactly 1.5× (360 ms)",
      "performance-degraded-over-50",
      "no",
      "response time p95 360 ms is 1.5× baseline 240 ms (≤ 1.5×)",
      healthy({ responseTimeP95Ms: 360 }),
      {},
    ],
    [
      "single feature broken stated",
      "single-feature-broken",
      "yes",
      "stated by the commander",
      healthy(),
      { singleFeatureBroken: true },
    ],
    [
      "single feature broken denied",
      "single-feature-broken",
      "no",
      "stated by the commander",
      healthy(),
      { singleFeatureBroken: false },
    ],
    ["single feature not stated", "single-feature-broken", undefined, undefined, healthy(), {}],
    [
      "feature flag available",
      "can-disable-feature",
      "yes",
      "feature flag availability stated by the commander",
      healthy(),
      { featureFlagAvailable: true },
    ],
    [
      "no feature flag",
      "can-disable-feature",
      "no",
      "feature flag availability stated by the commander",
      healthy(),
      { featureFlagAvailable: false },
    ],
  ];
  it.each(cases)("%s → %s %s", (_label, q, answer, why, latest, facts) => {
    const p = prefillAnswers(latest, baseline(), facts)[q];
    expect(p?.answer).toBe(answer);
    expect(p?.why).toBe(why);
  });

  it("leaves performance unanswered without a baseline", () => {
    expect(
      prefillAnswers(healthy({ responseTimeP95Ms: 900 }), null, {})["performance-degraded-over-50"],
    ).toBeUndefined();
  });

  it("never pre-answers the commander's own checks (quick fix, queue/cache)", () => {
    const p = prefillAnswers(healthy({ errorRate: 50, responseTimeP95Ms: 900 }), baseline(), {
      singleFeatureBroken: true,
      featureFlagAvailable: false,
    });
    expect(Object.keys(p).sort()).toEqual([
      "can-disable-feature",
      "error-rate-over-10",
      "performance-degraded-over-50",
      "service-down-or-data-at-risk",
      "single-feature-broken",
    ]);
  });

  it("feeds walk: a healthy system with a broken feature and a flag ends in the feature flag", () => {
    const p = prefillAnswers(healthy(), baseline(), { singleFeatureBroken: true, featureFlagAvailable: true });
    const answers = Object.fromEntries(Object.entries(p).map(([q, v]) => [q, v.answer]));
    expect(walk(answers).action?.action).toBe("Use feature flag, fix forward");
  });
});

describe("quickFixTimer: plan §2 'Attempt quick fix (5 min)'", () => {
  const cases: [label: string, elapsed: number, remaining: number, isExpired: boolean][] = [
    ["just started", 0, 5 * MIN, false],
    ["half way", 2.5 * MIN, 2.5 * MIN, false],
    ["1 ms left", 5 * MIN - 1, 1, false],
    ["at 5 minutes", 5 * MIN, 0, true],
    ["past 5 minutes", 6 * MIN, 0, true],
  ];
  it.each(cases)("%s", (_label, elapsed, remainingMs, isExpired) => {
    expect(quickFixTimer(T0, at(elapsed))).toEqual({ elapsedMs: elapsed, remainingMs, isExpired });
  });

  it("is 5 minutes long, and a clock read before the start counts as not started", () => {
    expect(QUICK_FIX_MS).toBe(300_000);
    expect(quickFixTimer(T0, at(-1000))).toEqual({ elapsedMs: 0, remainingMs: 5 * MIN, isExpired: false });
  });
});
