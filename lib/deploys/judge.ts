// A deploy judged against its own baseline: the target's readings before the deploy against its
// readings after, metric by metric, with a rank test (Mann-Whitney U, as Kayenta's judge) and an
// effect-size tolerance so that small shifts pass, beside the plan's own absolute rows (§2: error
// rate above 10%, service down, response time above 2× baseline). Pure: callers pass the readings.
import { errorFunction, median, wilcoxonRankSum } from "simple-statistics";
import {
  computeBaseline,
  evaluateDecision,
  formatMetric,
  metricInfo,
  metricNumber,
  type Sample,
  type SeverityLevel,
} from "../plan";

/** Healthy readings the baseline needs before the deploy; with fewer, only the plan's absolute rows judge. */
export const MIN_BASELINE_READINGS = 10;
/** Readings after the deploy before any verdict but an absolute row's. */
export const MIN_AFTER_READINGS = 5;
/**
 * Readings in a row a plan row must hold on before it fails a deploy: one reading is ten probes, and
 * two of them failing by chance is already "20%"; three readings in a row are not chance.
 */
export const CONFIRM_READINGS = 3;
/** The plan rows judged on the latest reading alone. */
const ON_THE_LATEST_READING = new Set(["error-rate-over-10"]);
/** The rank test's threshold: a shift this unlikely by chance is a real one. */
export const SIGNIFICANCE = 0.01;

export type JudgedMetric = "errorRate" | "responseTimeP95Ms";
export type Verdict = "pending" | "pass" | "marginal" | "fail";

/**
 * How far a metric may move before the move matters, whatever the test says: an error rate up by
 * less than 1 point, a response time by less than 20% (or by less than 25 ms, however large the
 * ratio: a fast service's few milliseconds double under any load), is within tolerance; past the
 * fail line (3 points; 50% and 25 ms) with a significant test it fails.
 */
export const TOLERANCE: Record<
  JudgedMetric,
  { marginal: number; fail: number; kind: "points" | "ratio"; minDelta?: number }
> = {
  errorRate: { kind: "points", marginal: 1, fail: 3 },
  responseTimeP95Ms: { kind: "ratio", marginal: 1.2, fail: 1.5, minDelta: 25 },
};

export type MetricJudgement = {
  metric: JudgedMetric;
  before: { readings: number; median: number | null };
  after: { readings: number; median: number | null };
  /** Mann-Whitney U of the readings after against before, and its two-sided p (normal approximation). */
  u: number | null;
  p: number | null;
  /** The probability that a reading after is worse than one before (0.5: no shift). */
  effect: number | null;
  /** Points (error rate) or a ratio (response time) of the medians. */
  shift: number | null;
  verdict: Verdict;
  why: string;
};

export type Judgement = {
  verdict: Verdict;
  metrics: MetricJudgement[];
  /** The plan §2 rows the readings after the deploy match with "rollback: yes" (or a 2× response time). */
  rows: { id: string; issue: string; severity: SeverityLevel; why: string }[];
  isBaselineEnough: boolean;
  why: string[];
};

function judgeMetric(
  metric: JudgedMetric,
  before: number[],
  after: number[],
  isBaselineEnough: boolean,
): MetricJudgement {
  const base = {
    metric,
    before: { readings: before.length, median: before.length ? median(before) : null },
    after: { readings: after.length, median: after.length ? median(after) : null },
  };
  if (!isBaselineEnough || after.length < MIN_AFTER_READINGS || !before.length)
    return {
      ...base,
      u: null,
      p: null,
      effect: null,
      shift: null,
      verdict: "pending",
      why: !isBaselineEnough
        ? `too few healthy readings before the deploy (${before.length}; ${MIN_BASELINE_READINGS} needed): judged by the plan's rows only`
        : `${after.length} of ${MIN_AFTER_READINGS} readings after the deploy`,
    };
  const [n1, n2] = [after.length, before.length];
  const u = wilcoxonRankSum(after, before) - (n1 * (n1 + 1)) / 2;
  const sd = Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12);
  const z = (u - (n1 * n2) / 2) / sd;
  // Two-sided, from the normal distribution: 2·(1 − Φ(|z|)) = 1 − erf(|z|/√2).
  const p = 1 - errorFunction(Math.abs(z) / Math.SQRT2);
  const effect = u / (n1 * n2);
  const t = TOLERANCE[metric];
  const [b, a] = [base.before.median!, base.after.median!];
  const shift = t.kind === "points" ? a - b : b > 0 ? a / b : a > 0 ? Number.POSITIVE_INFINITY : 1;
  const isWorse = effect > 0.5 && p < SIGNIFICANCE && a - b >= (t.minDelta ?? 0);
  const verdict: Verdict = isWorse && shift >= t.fail ? "fail" : isWorse && shift >= t.marginal ? "marginal" : "pass";
  const moved =
    t.kind === "points"
      ? `${formatMetric(metric, b)} → ${formatMetric(metric, a)} (${shift >= 0 ? "+" : ""}${shift.toFixed(1)} points)`
      : `${formatMetric(metric, b)} → ${formatMetric(metric, a)} (${Number.isFinite(shift) ? `${shift.toFixed(2)}×` : "from 0"})`;
  return {
    ...base,
    u,
    p,
    effect,
    shift,
    verdict,
    why: `median ${moved}; U = ${u}, p = ${p < 0.0001 ? "< 0.0001" : p.toFixed(4)}, ${Math.round(effect * 100)}% of readings after worse than before: ${
      verdict === "pass"
        ? isWorse
          ? `a real shift, within tolerance (${t.kind === "points" ? `${t.marginal} point` : `${t.marginal}×`})`
          : effect > 0.5 && p < SIGNIFICANCE
            ? `a real shift, under ${formatMetric(metric, t.minDelta ?? 0)}: within tolerance`
            : "no significant shift"
        : verdict
    }`,
  };
}

const ORDER: Record<Verdict, number> = { pending: 0, pass: 1, marginal: 2, fail: 3 };

/**
 * The verdict on a deploy from the readings `before` it (its baseline) and `after` it so far: fail
 * as soon as a plan row fires or a metric fails; otherwise pass or marginal "so far" (the watch
 * decides when it has seen enough), pending until there are enough readings to say.
 */
export function judgeDeploy(input: { before: readonly Sample[]; after: readonly Sample[] }): Judgement {
  const healthy = input.before.filter((s) => s.values.healthUp !== false);
  const isBaselineEnough = healthy.length >= MIN_BASELINE_READINGS;
  const series = (samples: readonly Sample[], metric: JudgedMetric) =>
    samples.map((s) => metricNumber(s.values, metric)).filter((v): v is number => v !== undefined);
  const metrics = (["errorRate", "responseTimeP95Ms"] as const).map((m) =>
    judgeMetric(m, series(healthy, m), series(input.after, m), isBaselineEnough),
  );
  // plan §2's own rows, on the readings after, against the baseline before. A row that reads the
  // latest reading alone (the error rate's) must hold on the last CONFIRM_READINGS in a row; the
  // down rows and the 2× response time confirm themselves over several readings already.
  const baseline = computeBaseline(healthy, { minSamples: 1 });
  const firing = (history: readonly Sample[]) =>
    evaluateDecision({ history: [...history], baseline, facts: {} }).rows.filter(
      (r) =>
        r.matched && r.row.basis === "metric" && (r.row.rollback === "yes" || r.row.id === "response-time-over-2x"),
    );
  const held = (id: string) =>
    Array.from({ length: CONFIRM_READINGS - 1 }, (_, k) => input.after.slice(0, input.after.length - k - 1)).every(
      (earlier) => firing(earlier).some((r) => r.row.id === id),
    );
  const rows = firing(input.after)
    .filter((r) => !ON_THE_LATEST_READING.has(r.row.id) || (input.after.length >= CONFIRM_READINGS && held(r.row.id)))
    .map((r) => ({ id: r.row.id, issue: r.row.issue, severity: r.row.severity, why: r.why }));
  const fromMetrics = metrics.reduce<Verdict>((v, m) => (ORDER[m.verdict] > ORDER[v] ? m.verdict : v), "pending");
  const verdict: Verdict = rows.length ? "fail" : fromMetrics;
  return {
    verdict,
    metrics,
    rows,
    isBaselineEnough,
    why: [
      ...rows.map((r) => `plan §2 "${r.issue}": ${r.why}`),
      ...metrics.map((m) => `${metricInfo[m.metric].label}: ${m.why}`),
    ],
  };
}
