// Probes: what each checklist item that can be measured reads, and the rule that decides it from
// the measurements (lib/incidents/verify.ts measures; this only judges). Pure.
import { SLIGHT_DEGRADATION_FACTOR } from "./decision-matrix";
import { formatPercent, formatRatio } from "./format";
import {
  describeGoal,
  formatMetric,
  meetsGoal,
  metricInfo,
  metricNumber,
  metricGoals,
  type Baseline,
  type MetricValues,
  type GoalMetric,
} from "./metrics";
import { FAILURE_RATE_NORMAL_PERCENT, type ChecklistItem, type ProbeKind } from "./checklists";

/**
 * Which measurements each probe reads. lib/incidents/verify.ts must name every key of Measurements
 * when it measures (its type does not compile otherwise), and tests/unit/plan/probes.test.ts fails
 * when a checklist declares a probe that reads nothing measured: no check the console shows is left
 * without something that feeds it.
 */
export const PROBE_INPUTS: Record<ProbeKind, readonly (keyof Measurements)[]> = {
  health: ["latest"],
  "db-select-1": ["latest"],
  "redis-ping": ["latest"],
  "no-new-errors": ["newErrors"],
  "smoke-tests": ["smokeTestsPassed"],
  "metric-target": ["latest"],
  "all-metric-targets": ["latest"],
  "failure-rate": ["jobsSinceResume"],
  "jobs-processing": ["jobsSinceResume"],
  "backup-available": ["backupsRestored"],
  "queues-paused": ["queuesPaused"],
  "no-degradation": ["latest", "baseline"],
  measured: ["latest"],
  "system-resources": ["latest"],
  "current-version": ["currentVersion"],
};

/** Every measurement a producer fills (keys of Measurements, checked by the type below). */
export const MEASUREMENT_KEYS = [
  "latest",
  "baseline",
  "newErrors",
  "smokeTestsPassed",
  "backupsRestored",
  "queuesPaused",
  "jobsSinceResume",
  "currentVersion",
] as const satisfies readonly (keyof Measurements)[];
type _AllKeysListed = Exclude<keyof Measurements, (typeof MEASUREMENT_KEYS)[number]> extends never ? true : never;
const _allKeysListed: _AllKeysListed = true;
void _allKeysListed;

/** What the probes have read; anything not read is left out and its probe stays unverified. */
export type Measurements = {
  latest: Partial<MetricValues>;
  baseline?: Baseline | null;
  /** ERROR lines in the app log since the rollback completed (plan §6.1 "Expected: No new errors"). */
  newErrors?: number;
  smokeTestsPassed?: boolean;
  /**
   * Per kind of backup the target has (a dump, a base backup): its newest, and the newest test
   * restore of exactly that one (issue 17: a backup counts once it was restored and verified).
   */
  backupsRestored?: readonly BackupRestored[];
  /** Paused state per queue name. */
  queuesPaused?: Readonly<Record<string, boolean>>;
  /** Jobs that finished since the queues were resumed. */
  jobsSinceResume?: { completed: number; failed: number };
  currentVersion?: string;
};

export type BackupRestored = {
  kind: "dump" | "base-backup";
  newest: string | null;
  check: { status: "queued" | "running" | "passed" | "failed"; durationMs: number | null; error: string | null } | null;
};

const KIND_WORDS = { dump: "dump", "base-backup": "base backup" } as const;

/** Verified when the newest backup of each kind the target has was test-restored and verified. */
function backupsRestored(list: readonly BackupRestored[] | undefined): ProbeResult {
  if (!list) return { verified: false, value: null, why: "backups not listed" };
  const present = list.filter((b) => b.newest);
  if (!present.length) return { verified: false, value: 0, why: "no backup exists yet: take one first" };
  const says = present.map((b) => {
    const what = `the newest ${KIND_WORDS[b.kind]} (${b.newest})`;
    const c = b.check;
    if (!c) return { ok: false, words: `${what} has not been test-restored yet (it is, within a minute)` };
    if (c.status === "passed")
      return { ok: true, words: `${what} restored and verified in ${((c.durationMs ?? 0) / 1000).toFixed(1)} s` };
    if (c.status === "failed")
      return {
        ok: false,
        words: `${what} failed its test restore: ${(c.error ?? "").slice(0, 200)} Fix it, or take a new backup`,
      };
    return { ok: false, words: `${what} is being test-restored now` };
  });
  const ok = says.every((s) => s.ok);
  return { verified: ok, value: says.filter((s) => s.ok).length, why: says.map((s) => s.words).join("; ") };
}

export type ProbeResult = { verified: boolean; value: number | string | boolean | null; why: string };

function upDown(value: boolean | undefined, unknownWords: string, upWords: string, downWords: string): ProbeResult {
  if (value === undefined) return { verified: false, value: null, why: unknownWords };
  return { verified: value, value, why: value ? upWords : downWords };
}

function metricGoal(metric: GoalMetric, latest: Partial<MetricValues>): ProbeResult {
  const v = metricNumber(latest, metric);
  if (v === undefined) return { verified: false, value: null, why: `${metricInfo[metric].label} not measured` };
  return { verified: meetsGoal(metric, v), value: v, why: describeGoal(metric, v) };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Applies an item's probe to what was measured; null for an item no probe can verify. */
export function evaluateProbe(item: ChecklistItem, m: Measurements): ProbeResult | null {
  const p = item.probe;
  if (!p) return null;
  const l = m.latest;
  switch (p.kind) {
    case "health":
      return upDown(
        l.healthUp,
        "health endpoint not measured",
        "health endpoint answers 200 OK",
        "health endpoint down",
      );
    case "db-select-1":
      return upDown(l.dbUp, "database connection not measured", "SELECT 1 answered", "SELECT 1 failed");
    case "redis-ping":
      return upDown(l.redisUp, "Redis connection not measured", "PING answered PONG", "PING got no PONG");
    case "smoke-tests":
      return upDown(m.smokeTestsPassed, "smoke tests not run", "smoke tests passed", "smoke tests failed");
    case "no-new-errors":
      if (m.newErrors === undefined) return { verified: false, value: null, why: "app log not read" };
      return {
        verified: m.newErrors === 0,
        value: m.newErrors,
        why: `${plural(m.newErrors, "new ERROR line")} in the app log`,
      };
    case "metric-target":
      return metricGoal(p.metric, l);
    case "all-metric-targets": {
      const results = metricGoals.map((t) => metricGoal(t.metric, l));
      const met = results.filter((r) => r.verified).length;
      return {
        verified: met === results.length,
        value: `${met}/${results.length}`,
        why: results.map((r) => r.why).join("; "),
      };
    }
    case "failure-rate": {
      const j = m.jobsSinceResume;
      if (!j) return { verified: false, value: null, why: "job counts not read" };
      const finished = j.completed + j.failed;
      if (finished === 0) return { verified: false, value: null, why: "no jobs finished since the queues resumed" };
      const rate = (j.failed / finished) * 100;
      const ok = rate < FAILURE_RATE_NORMAL_PERCENT;
      return {
        verified: ok,
        value: rate,
        why: `failure rate ${formatPercent(rate)} (${j.failed} of ${finished} jobs) ${ok ? "<" : "is not <"} ${FAILURE_RATE_NORMAL_PERCENT}%`,
      };
    }
    case "jobs-processing": {
      const j = m.jobsSinceResume;
      if (!j) return { verified: false, value: null, why: "job counts not read" };
      return {
        verified: j.completed > 0,
        value: j.completed,
        why: `${plural(j.completed, "job")} completed since the queues resumed`,
      };
    }
    case "backup-available":
      return backupsRestored(m.backupsRestored);
    case "queues-paused": {
      const q = m.queuesPaused;
      if (!q || Object.keys(q).length === 0) return { verified: false, value: null, why: "queue states not read" };
      const running = Object.entries(q)
        .filter(([, paused]) => !paused)
        .map(([name]) => name);
      return {
        verified: running.length === 0,
        value: running.length === 0,
        why: running.length
          ? `not paused: ${running.join(", ")}`
          : `all ${plural(Object.keys(q).length, "queue")} paused`,
      };
    }
    case "no-degradation": {
      const p95 = l.responseTimeP95Ms;
      const base = m.baseline?.values.responseTimeP95Ms;
      if (p95 === undefined || l.errorRate === undefined)
        return { verified: false, value: null, why: "response time or error rate not measured" };
      if (base === undefined || base <= 0) return { verified: false, value: null, why: "no baseline response time" };
      const ratio = p95 / base;
      const isFast = ratio <= SLIGHT_DEGRADATION_FACTOR;
      const isErrorOk = meetsGoal("errorRate", l.errorRate);
      return {
        verified: isFast && isErrorOk,
        value: ratio,
        why:
          `response time p95 ${formatMetric("responseTimeP95Ms", p95)} is ${formatRatio(ratio)} baseline ${formatMetric("responseTimeP95Ms", base)} ` +
          `(${isFast ? "≤" : ">"} ${SLIGHT_DEGRADATION_FACTOR}×); ${describeGoal("errorRate", l.errorRate)}`,
      };
    }
    case "measured": {
      const v = metricNumber(l, p.metric);
      if (v === undefined) return { verified: false, value: null, why: `${metricInfo[p.metric].label} not measured` };
      return { verified: true, value: v, why: `${metricInfo[p.metric].label} ${formatMetric(p.metric, v)}` };
    }
    case "system-resources": {
      const mem = l.freeMemoryBytes;
      const disk = l.freeDiskBytes;
      if (mem === undefined || disk === undefined)
        return { verified: false, value: null, why: "free memory or free disk not measured" };
      return {
        verified: true,
        value: `${formatMetric("freeMemoryBytes", mem)} / ${formatMetric("freeDiskBytes", disk)}`,
        why: `free memory ${formatMetric("freeMemoryBytes", mem)}; free disk ${formatMetric("freeDiskBytes", disk)}`,
      };
    }
    case "current-version":
      if (!m.currentVersion) return { verified: false, value: null, why: "running version not read" };
      return { verified: true, value: m.currentVersion, why: `running ${m.currentVersion}` };
  }
}
