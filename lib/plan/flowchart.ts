// plan §2 Decision Flowchart as a guided walk: one question at a time, ending in the plan's action.
import { ERROR_RATE_ROLLBACK_PERCENT, RESPONSE_TIME_FLOOR_MS, type StatedFacts } from "./decision-matrix";
import { formatRatio } from "./format";
import { formatMetric, type Baseline, type MetricValues } from "./metrics";
import type { SeverityLevel } from "./severity";

export type Answer = "yes" | "no";

export const QUESTION_IDS = [
  "service-down-or-data-at-risk",
  "error-rate-over-10",
  "quick-fix-failed",
  "performance-degraded-over-50",
  "queue-cache-not-fixable",
  "single-feature-broken",
  "can-disable-feature",
] as const;
export type QuestionId = (typeof QUESTION_IDS)[number];

export type ActionId =
  | "rollback-immediately"
  | "rollback-after-quick-fix"
  | "quick-fix-worked"
  | "rollback-not-fixable"
  | "fix-queue-cache"
  | "rollback-feature"
  | "use-feature-flag"
  | "no-rollback";

export type NodeId = QuestionId | ActionId;

export type QuestionNode = {
  kind: "question";
  id: QuestionId;
  /** What to do before answering, in the plan's words ("Attempt quick fix (5 min)"). */
  step?: string;
  question: string;
  yes: NodeId;
  no: NodeId;
  /** A visible timer runs while this question is open (plan: "Attempt quick fix (5 min)"). */
  timerMs?: number;
};

export type ActionNode = {
  kind: "action";
  id: ActionId;
  action: string;
  /** The severity this ending corresponds to in the §1 and §2 tables; null when no rollback. */
  severity: SeverityLevel | null;
  isRollback: boolean;
  /** False where the plan's flowchart leaves the branch open and this app names the ending. */
  isInPlan: boolean;
};

export type FlowNode = QuestionNode | ActionNode;

export const QUICK_FIX_MS = 5 * 60_000;
/** plan §2 / §1 P2 "Performance degraded >50%": read as response time p95 above 1.5× baseline. */
export const PERFORMANCE_DEGRADED_FACTOR = 1.5;

export const FLOW_START: QuestionId = "service-down-or-data-at-risk";

// plan §2 flowchart. The "↓ NO" arrows go to the next question; "↓ YES" under "Can disable
// feature?" leads to "Use feature flag, fix forward".
export const flowchart: Record<NodeId, FlowNode> = {
  "service-down-or-data-at-risk": {
    kind: "question",
    id: "service-down-or-data-at-risk",
    question: "Is service down or data at risk?",
    yes: "rollback-immediately",
    no: "error-rate-over-10",
  },
  "error-rate-over-10": {
    kind: "question",
    id: "error-rate-over-10",
    question: "Error rate >10%?",
    yes: "quick-fix-failed",
    no: "performance-degraded-over-50",
  },
  "quick-fix-failed": {
    kind: "question",
    id: "quick-fix-failed",
    step: "Attempt quick fix (5 min)",
    question: "Failed?",
    yes: "rollback-after-quick-fix",
    no: "quick-fix-worked",
    timerMs: QUICK_FIX_MS,
  },
  "performance-degraded-over-50": {
    kind: "question",
    id: "performance-degraded-over-50",
    question: "Performance degraded >50%?",
    yes: "queue-cache-not-fixable",
    no: "single-feature-broken",
  },
  "queue-cache-not-fixable": {
    kind: "question",
    id: "queue-cache-not-fixable",
    step: "Check if queue/cache issue",
    question: "Not fixable?",
    yes: "rollback-not-fixable",
    no: "fix-queue-cache",
  },
  "single-feature-broken": {
    kind: "question",
    id: "single-feature-broken",
    question: "Single feature broken?",
    yes: "can-disable-feature",
    no: "no-rollback",
  },
  "can-disable-feature": {
    kind: "question",
    id: "can-disable-feature",
    question: "Can disable feature?",
    yes: "use-feature-flag",
    no: "rollback-feature",
  },

  "rollback-immediately": {
    kind: "action",
    id: "rollback-immediately",
    action: "Rollback immediately",
    severity: "P0",
    isRollback: true,
    isInPlan: true,
  },
  "rollback-after-quick-fix": {
    kind: "action",
    id: "rollback-after-quick-fix",
    action: "Rollback",
    severity: "P1",
    isRollback: true,
    isInPlan: true,
  },
  // Not in the flowchart: it only says what happens when the quick fix fails.
  "quick-fix-worked": {
    kind: "action",
    id: "quick-fix-worked",
    action: "Quick fix worked: no rollback, keep monitoring",
    severity: null,
    isRollback: false,
    isInPlan: false,
  },
  "rollback-not-fixable": {
    kind: "action",
    id: "rollback-not-fixable",
    action: "Rollback",
    severity: "P2",
    isRollback: true,
    isInPlan: true,
  },
  // Not in the flowchart: a fixable queue/cache issue is fixed in place (plan §4.2, §4.3).
  "fix-queue-cache": {
    kind: "action",
    id: "fix-queue-cache",
    action: "Fix the queue/cache issue, no full rollback",
    severity: null,
    isRollback: false,
    isInPlan: false,
  },
  // plan §2 matrix: "Single feature broken" is P2.
  "rollback-feature": {
    kind: "action",
    id: "rollback-feature",
    action: "Rollback",
    severity: "P2",
    isRollback: true,
    isInPlan: true,
  },
  "use-feature-flag": {
    kind: "action",
    id: "use-feature-flag",
    action: "Use feature flag, fix forward",
    severity: null,
    isRollback: false,
    isInPlan: true,
  },
  // Not in the flowchart: every question answered NO leaves the §2 P3 rows ("Hot fix instead", "Monitor and optimize").
  "no-rollback": {
    kind: "action",
    id: "no-rollback",
    action: "No rollback: hot fix instead, monitor and optimize",
    severity: null,
    isRollback: false,
    isInPlan: false,
  },
};

export function nextNode(node: NodeId, answer: Answer): NodeId | null {
  const n = flowchart[node];
  return n.kind === "question" ? n[answer] : null;
}

export type Prefill = { answer: Answer; why: string };
export type PrefilledAnswers = Partial<Record<QuestionId, Prefill>>;

/**
 * Pre-answers the questions the sampler or the commander's stated facts can answer; the commander
 * may change any of them. A question whose inputs are not measured or stated is left out.
 * Uses the latest reading only (the decision matrix is the place that waits for confirmation).
 */
export function prefillAnswers(
  latest: Partial<MetricValues>,
  baseline: Baseline | null,
  facts: StatedFacts,
): PrefilledAnswers {
  const out: PrefilledAnswers = {};

  // Service down = health endpoint or database down; data at risk = corruption stated.
  const atRisk = [
    latest.healthUp === false && "health endpoint down",
    latest.dbUp === false && "database connection failing",
    facts.dataCorruption && "data corruption stated",
  ].filter((x): x is string => typeof x === "string");
  if (atRisk.length) out["service-down-or-data-at-risk"] = { answer: "yes", why: atRisk.join("; ") };
  else if (latest.healthUp === true && latest.dbUp !== false)
    out["service-down-or-data-at-risk"] = {
      answer: "no",
      why: ["health endpoint up", latest.dbUp === true && "database connection up", "no data corruption stated"]
        .filter(Boolean)
        .join("; "),
    };

  if (latest.errorRate !== undefined) {
    const over = latest.errorRate > ERROR_RATE_ROLLBACK_PERCENT;
    out["error-rate-over-10"] = {
      answer: over ? "yes" : "no",
      why: `error rate ${formatMetric("errorRate", latest.errorRate)} ${over ? ">" : "≤"} ${ERROR_RATE_ROLLBACK_PERCENT}%`,
    };
  }

  const p95 = latest.responseTimeP95Ms;
  const base = baseline?.values.responseTimeP95Ms;
  if (p95 !== undefined && base !== undefined && base > 0) {
    const r = p95 / base;
    // Slow against the baseline and against the plan's §6.4 target alike (a tiny baseline is noise).
    const over = r > PERFORMANCE_DEGRADED_FACTOR && p95 >= RESPONSE_TIME_FLOOR_MS;
    out["performance-degraded-over-50"] = {
      answer: over ? "yes" : "no",
      why:
        r > PERFORMANCE_DEGRADED_FACTOR && !over
          ? `response time p95 ${formatMetric("responseTimeP95Ms", p95)} is ${formatRatio(r)} baseline ${formatMetric("responseTimeP95Ms", base)}, but under the plan's ${formatMetric("responseTimeP95Ms", RESPONSE_TIME_FLOOR_MS)} target`
          : `response time p95 ${formatMetric("responseTimeP95Ms", p95)} is ${formatRatio(r)} baseline ${formatMetric("responseTimeP95Ms", base)} (${over ? ">" : "≤"} ${PERFORMANCE_DEGRADED_FACTOR}×)`,
    };
  }

  if (facts.singleFeatureBroken !== undefined)
    out["single-feature-broken"] = { answer: facts.singleFeatureBroken ? "yes" : "no", why: "stated by the commander" };
  if (facts.featureFlagAvailable !== undefined)
    out["can-disable-feature"] = {
      answer: facts.featureFlagAvailable ? "yes" : "no",
      why: "feature flag availability stated by the commander",
    };
  return out;
}

export type Walk = {
  /** Questions answered on the way, in order. */
  path: { node: QuestionNode; answer: Answer }[];
  /** The first unanswered question, or null once an action is reached. */
  pending: QuestionNode | null;
  /** The plan's action at the end of the path, or null while a question is unanswered. */
  action: ActionNode | null;
};

/** Follows the answers from the start; stops at the first unanswered question or at an action. */
export function walk(answers: Partial<Record<QuestionId, Answer>>): Walk {
  const path: Walk["path"] = [];
  let node: FlowNode = flowchart[FLOW_START];
  while (node.kind === "question") {
    const answer: Answer | undefined = answers[node.id];
    if (!answer) return { path, pending: node, action: null };
    path.push({ node, answer });
    node = flowchart[node[answer]];
  }
  return { path, pending: null, action: node };
}

export type QuickFixTimer = { elapsedMs: number; remainingMs: number; isExpired: boolean };

/** plan §2: "Attempt quick fix (5 min)". Expired at exactly 5 minutes. */
export function quickFixTimer(startedAt: Date, now: Date): QuickFixTimer {
  const elapsedMs = Math.max(0, now.getTime() - startedAt.getTime());
  return { elapsedMs, remainingMs: Math.max(0, QUICK_FIX_MS - elapsedMs), isExpired: elapsedMs >= QUICK_FIX_MS };
}
