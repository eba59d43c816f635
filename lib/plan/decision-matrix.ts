// plan §2 Rollback Decision Matrix ("When to Rollback"): every row as data, each with the rule
// this app uses to decide, from live metrics or from facts the incident commander states.
import { formatDuration, formatRatio } from "./format";
import {
  formatMetric,
  latestSample,
  metricInfo,
  sustainedFor,
  type Baseline,
  type MetricValues,
  type Sample,
  type Sustained,
} from "./metrics";
import { compareSeverity, type SeverityLevel } from "./severity";

export type Rollback = "yes" | "maybe" | "no";
export type Verdict = Rollback | "none";

/** What the commander says is true; the sampler cannot see these. Unset means "not stated". */
export type StatedFacts = {
  dataCorruption?: boolean;
  singleFeatureBroken?: boolean;
  /** The broken feature can be switched off by a feature flag. */
  featureFlagAvailable?: boolean;
  minorUiIssue?: boolean;
};

export type DecisionInput = {
  /** Sampler readings; the latest is the current state, earlier ones say how long it has lasted. */
  history: readonly Sample[];
  baseline: Baseline | null;
  facts: StatedFacts;
};

export type DecisionContext = DecisionInput & { latest: Partial<MetricValues> };

export type RowResult = { matched: boolean; why: string };

export type DecisionRow = {
  id: string;
  /** The plan's columns, as written (Rollback? as yes / maybe / no). */
  issue: string;
  severity: SeverityLevel;
  rollback: Rollback;
  notes: string;
  /** How this app reads the row, in words. */
  rule: string;
  basis: "metric" | "fact";
  evaluate: (ctx: DecisionContext) => RowResult;
};

/**
 * "Completely down" means down in this many consecutive samples, not one failed probe: the row's
 * action is an immediate rollback, so a single blip must not trigger it (3 is also the default
 * failure threshold of Kubernetes probes).
 */
export const DOWN_CONFIRM_SAMPLES = 3;
// plan §2: error rate >10% → rollback after a quick fix attempt; 5–10% → investigate first.
export const ERROR_RATE_ROLLBACK_PERCENT = 10;
export const ERROR_RATE_INVESTIGATE_PERCENT = 5;
// plan §2: "Response time >2x baseline". Response time is the p95 the sampler measures.
export const RESPONSE_TIME_BASELINE_FACTOR = 2;
/**
 * plan §2 "Performance slightly degraded" has no number; this app reads it as p95 above 1.2× the
 * baseline (20% slower, beyond normal jitter) and up to the 2× of the row above.
 */
export const SLIGHT_DEGRADATION_FACTOR = 1.2;

function lasting(s: Sustained): string {
  return s.durationMs > 0 ? ` for ${formatDuration(s.durationMs)}` : " in the latest sample";
}

function downRow(key: "healthUp" | "dbUp", downWord: string) {
  return (ctx: DecisionContext): RowResult => {
    const label = metricInfo[key].label;
    const value = ctx.latest[key];
    if (value === undefined) return { matched: false, why: `${label} not measured` };
    if (value) return { matched: false, why: `${label} up` };
    const s = sustainedFor(ctx.history, (x) => x.values[key] === false);
    if (s.sampleCount < DOWN_CONFIRM_SAMPLES)
      return {
        matched: false,
        why: `${label} ${downWord} in ${s.sampleCount} sample(s) in a row, needs ${DOWN_CONFIRM_SAMPLES}`,
      };
    return { matched: true, why: `${label} ${downWord} in the last ${s.sampleCount} samples${lasting(s)}` };
  };
}

function errorRateRow(isMatch: (rate: number) => boolean, describe: (rate: number, isMatch: boolean) => string) {
  return (ctx: DecisionContext): RowResult => {
    const rate = ctx.latest.errorRate;
    if (rate === undefined) return { matched: false, why: "error rate not measured" };
    const matched = isMatch(rate);
    const s = matched
      ? sustainedFor(ctx.history, (x) => x.values.errorRate !== undefined && isMatch(x.values.errorRate))
      : undefined;
    return {
      matched,
      why: `error rate ${formatMetric("errorRate", rate)} ${describe(rate, matched)}${s ? lasting(s) : ""}`,
    };
  };
}

/**
 * A response time is degraded only when it is slow in absolute terms too, and has been for a while:
 * "2× a baseline" of 8 ms is 16 ms, which nobody notices, and one slow sample is noise. The floor is
 * the plan's own §6.4 p95 target (<300 ms); the window is RESPONSE_TIME_SUSTAIN_MS.
 */
export const RESPONSE_TIME_FLOOR_MS = 300;
export const RESPONSE_TIME_SUSTAIN_MS = 30_000;

function responseTimeRow(
  isMatch: (ratio: number) => boolean,
  describe: (p95: string, base: string, ratio: number, matched: boolean) => string,
) {
  return (ctx: DecisionContext): RowResult => {
    const p95 = ctx.latest.responseTimeP95Ms;
    const base = ctx.baseline?.values.responseTimeP95Ms;
    if (p95 === undefined) return { matched: false, why: "response time p95 not measured" };
    if (base === undefined || base <= 0) return { matched: false, why: "no baseline response time yet" };
    const isRelative = isMatch(p95 / base);
    const ratioWhy = `response time p95 ${describe(formatMetric("responseTimeP95Ms", p95), formatMetric("responseTimeP95Ms", base), p95 / base, isRelative)}`;
    if (!isRelative) return { matched: false, why: ratioWhy };
    const floor = formatMetric("responseTimeP95Ms", RESPONSE_TIME_FLOOR_MS);
    if (p95 < RESPONSE_TIME_FLOOR_MS)
      return { matched: false, why: `${ratioWhy}, but under the plan's ${floor} target: not degraded` };
    const s = sustainedFor(ctx.history, (x) => {
      const v = x.values.responseTimeP95Ms;
      return v !== undefined && v >= RESPONSE_TIME_FLOOR_MS && isMatch(v / base);
    });
    const window = formatDuration(RESPONSE_TIME_SUSTAIN_MS);
    if (s.durationMs < RESPONSE_TIME_SUSTAIN_MS)
      return {
        matched: false,
        why: `${ratioWhy} and over ${floor}${lasting(s)}, not yet the ${window} that makes it more than noise`,
      };
    return { matched: true, why: `${ratioWhy} and over ${floor}${lasting(s)} (≥ ${window})` };
  };
}

function statedRow(fact: keyof StatedFacts, words: string) {
  return (ctx: DecisionContext): RowResult =>
    ctx.facts[fact]
      ? { matched: true, why: `${words}: stated by the commander` }
      : { matched: false, why: `no ${words} stated` };
}

// plan §2 "When to Rollback", row for row.
export const decisionMatrix: readonly DecisionRow[] = [
  {
    id: "api-down",
    issue: "API completely down",
    severity: "P0",
    rollback: "yes",
    notes: "Immediate",
    rule: `health endpoint down in ${DOWN_CONFIRM_SAMPLES} consecutive samples`,
    basis: "metric",
    evaluate: downRow("healthUp", "down"),
  },
  {
    id: "db-connection-failed",
    issue: "Database connection failed",
    severity: "P0",
    rollback: "yes",
    notes: "Immediate",
    rule: `database probe (SELECT 1) failing in ${DOWN_CONFIRM_SAMPLES} consecutive samples`,
    basis: "metric",
    evaluate: downRow("dbUp", "failing"),
  },
  {
    id: "data-corruption",
    issue: "Data corruption detected",
    severity: "P0",
    rollback: "yes",
    notes: "Stop all writes first",
    rule: "the commander states data corruption was seen",
    basis: "fact",
    evaluate: statedRow("dataCorruption", "data corruption"),
  },
  {
    id: "error-rate-over-10",
    issue: "Error rate >10%",
    severity: "P1",
    rollback: "yes",
    notes: "After quick fix attempt",
    rule: `latest error rate > ${ERROR_RATE_ROLLBACK_PERCENT}%`,
    basis: "metric",
    evaluate: errorRateRow(
      (r) => r > ERROR_RATE_ROLLBACK_PERCENT,
      (_r, m) => `${m ? ">" : "≤"} ${ERROR_RATE_ROLLBACK_PERCENT}%`,
    ),
  },
  {
    id: "error-rate-5-10",
    issue: "Error rate 5-10%",
    severity: "P1",
    rollback: "maybe",
    notes: "Investigate first",
    rule: `latest error rate from ${ERROR_RATE_INVESTIGATE_PERCENT}% up to and including ${ERROR_RATE_ROLLBACK_PERCENT}%`,
    basis: "metric",
    evaluate: errorRateRow(
      (r) => r >= ERROR_RATE_INVESTIGATE_PERCENT && r <= ERROR_RATE_ROLLBACK_PERCENT,
      (r, m) =>
        m
          ? `within ${ERROR_RATE_INVESTIGATE_PERCENT}–${ERROR_RATE_ROLLBACK_PERCENT}%`
          : r < ERROR_RATE_INVESTIGATE_PERCENT
            ? `< ${ERROR_RATE_INVESTIGATE_PERCENT}%`
            : `> ${ERROR_RATE_ROLLBACK_PERCENT}%`,
    ),
  },
  {
    id: "response-time-over-2x",
    issue: "Response time >2x baseline",
    severity: "P2",
    rollback: "maybe",
    notes: "Try optimization first",
    rule: `response time p95 > ${RESPONSE_TIME_BASELINE_FACTOR}× the baseline p95 and ≥ ${RESPONSE_TIME_FLOOR_MS} ms, for ≥ ${RESPONSE_TIME_SUSTAIN_MS / 1000} s`,
    basis: "metric",
    evaluate: responseTimeRow(
      (r) => r > RESPONSE_TIME_BASELINE_FACTOR,
      (p95, base, r, m) =>
        `${p95} ${m ? ">" : "≤"} ${RESPONSE_TIME_BASELINE_FACTOR}× baseline ${base} (${formatRatio(r)})`,
    ),
  },
  {
    id: "single-feature-broken",
    issue: "Single feature broken",
    severity: "P2",
    rollback: "maybe",
    notes: "Feature flag if possible",
    rule: "the commander states a single feature is broken",
    basis: "fact",
    evaluate: (ctx) => {
      const r = statedRow("singleFeatureBroken", "single feature broken")(ctx);
      if (!r.matched) return r;
      const flag = ctx.facts.featureFlagAvailable ? "a feature flag can disable it" : "no feature flag stated";
      return { matched: true, why: `${r.why}; ${flag}` };
    },
  },
  {
    id: "minor-ui-issue",
    issue: "Minor UI issue",
    severity: "P3",
    rollback: "no",
    notes: "Hot fix instead",
    rule: "the commander states a minor UI issue",
    basis: "fact",
    evaluate: statedRow("minorUiIssue", "minor UI issue"),
  },
  {
    id: "performance-slightly-degraded",
    issue: "Performance slightly degraded",
    severity: "P3",
    rollback: "no",
    notes: "Monitor and optimize",
    rule: `response time p95 > ${SLIGHT_DEGRADATION_FACTOR}× and ≤ ${RESPONSE_TIME_BASELINE_FACTOR}× the baseline p95 and ≥ ${RESPONSE_TIME_FLOOR_MS} ms, for ≥ ${RESPONSE_TIME_SUSTAIN_MS / 1000} s`,
    basis: "metric",
    evaluate: responseTimeRow(
      (r) => r > SLIGHT_DEGRADATION_FACTOR && r <= RESPONSE_TIME_BASELINE_FACTOR,
      (p95, base, r, m) =>
        m
          ? `${p95} is ${formatRatio(r)} baseline ${base} (> ${SLIGHT_DEGRADATION_FACTOR}×, ≤ ${RESPONSE_TIME_BASELINE_FACTOR}×)`
          : r <= SLIGHT_DEGRADATION_FACTOR
            ? `${p95} ≤ ${SLIGHT_DEGRADATION_FACTOR}× baseline ${base} (${formatRatio(r)})`
            : `${p95} > ${RESPONSE_TIME_BASELINE_FACTOR}× baseline ${base} (${formatRatio(r)})`,
    ),
  },
];

export type Decision = {
  verdict: Verdict;
  /** The most severe matched row's severity; null when nothing matched. */
  severity: SeverityLevel | null;
  /** Every row, in the plan's order. */
  rows: { row: DecisionRow; matched: boolean; why: string }[];
  /** One line per matched row, strongest first: measured values, the row, its verdict and notes. */
  why: string[];
};

const STRENGTH: Record<Rollback, number> = { yes: 3, maybe: 2, no: 1 };

/** Evaluates every row; the verdict is the strongest matched row's (yes > maybe > no), "none" if none matched. */
export function evaluateDecision(input: DecisionInput): Decision {
  const ctx: DecisionContext = { ...input, latest: latestSample(input.history)?.values ?? {} };
  const rows = decisionMatrix.map((row) => ({ row, ...row.evaluate(ctx) }));
  const matched = rows.filter((r) => r.matched).sort((a, b) => STRENGTH[b.row.rollback] - STRENGTH[a.row.rollback]);
  const top = matched[0];
  return {
    verdict: top ? top.row.rollback : "none",
    severity: matched.map((r) => r.row.severity).sort(compareSeverity)[0] ?? null,
    rows,
    why: matched.map(
      (r) => `${r.why} → "${r.row.issue}" (${r.row.severity}): rollback ${r.row.rollback} — ${r.row.notes}`,
    ),
  };
}
