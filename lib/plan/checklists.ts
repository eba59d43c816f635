// The plan's checklists, every item in the plan's own words: §3 pre-rollback and information to
// gather, §6.1–6.4 post-rollback verification, §8.2 continuous improvement, §9 safety checkpoints.
// Items a probe can verify say which probe and the rule; evaluateProbe applies it.
import { SLIGHT_DEGRADATION_FACTOR } from "./decision-matrix";
import { formatPercent, formatRatio } from "./format";
import {
  describeTarget,
  formatMetric,
  meetsTarget,
  metricInfo,
  metricNumber,
  metricTargets,
  targetOf,
  type Baseline,
  type MetricValues,
  type NumericMetricKey,
  type TargetMetric,
} from "./metrics";

export type ProbeKind =
  | "health"
  | "db-select-1"
  | "redis-ping"
  | "no-new-errors"
  | "smoke-tests"
  | "metric-target"
  | "all-metric-targets"
  | "failure-rate"
  | "jobs-processing"
  | "backup-available"
  | "queues-paused"
  | "no-degradation"
  | "measured"
  | "system-resources"
  | "current-version";

/** `rule`: the rule, in words, shown beside the item. "metric-target" and "measured" name the metric they read. */
export type Probe =
  | { kind: "metric-target"; metric: TargetMetric; rule: string }
  | { kind: "measured"; metric: NumericMetricKey; rule: string }
  | { kind: Exclude<ProbeKind, "metric-target" | "measured">; rule: string };

export type ChecklistItem = {
  /** Stable kebab-case id, unique across all checklists; ticks are stored under it. */
  id: string;
  /** Exactly as in the plan. */
  text: string;
  section: string;
  /** A sub-list heading in the plan ("Manual testing checklist"). */
  group?: string;
  /** The plan's commands for this item, verbatim. */
  commands?: readonly string[];
  /** The plan's "Expected:" line (§6.1). */
  expected?: string;
  /** The plan's Target and How to Check columns (§6.4). */
  target?: string;
  howToCheck?: string;
  probe?: Probe;
};

/** When a checklist applies: always, or once a rollback milestone has happened (plus a delay). */
export type OpensOn = "always" | "code-rollback" | "queue-resume" | "rollback-completed";

export type Checklist = {
  id: string;
  /** The plan's heading. */
  title: string;
  section: string;
  /** The plan's line above the list ("After each rollback:"). */
  intro?: string;
  opensOn: OpensOn;
  /** Delay after the milestone; 0 when omitted. */
  opensAfterMs?: number;
  items: readonly ChecklistItem[];
};

// plan §9 checkpoint 3: "Failure rate normal (<2%)".
export const FAILURE_RATE_NORMAL_PERCENT = 2;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const probes = {
  health: { kind: "health", rule: "health endpoint answers 200 OK" },
  db: { kind: "db-select-1", rule: "SELECT 1 answers 1" },
  redis: { kind: "redis-ping", rule: "PING answers PONG" },
  noNewErrors: { kind: "no-new-errors", rule: "0 new ERROR lines in the app log since the rollback completed" },
  smokeTests: { kind: "smoke-tests", rule: "the smoke tests (npm run test:smoke) passed" },
  jobsProcessing: { kind: "jobs-processing", rule: "at least one job completed since the queues resumed" },
  target: (metric: TargetMetric): Probe => {
    const t = targetOf(metric);
    return { kind: "metric-target", metric, rule: `${metricInfo[metric].label} ${t.target} (plan §6.4)` };
  },
  measured: (metric: NumericMetricKey, rule: string): Probe => ({ kind: "measured", metric, rule }),
} satisfies Record<string, Probe | ((...a: never[]) => Probe)>;

// plan §3 "Before Initiating Rollback"
export const preRollbackChecklist: Checklist = {
  id: "pre-rollback",
  title: "Before Initiating Rollback",
  section: "3",
  opensOn: "always",
  items: [
    { id: "pre-confirm-severity", text: "Confirm the issue severity and impact", section: "3" },
    { id: "pre-identify-stable-version", text: "Identify the stable version to rollback to", section: "3" },
    { id: "pre-notify-team", text: "Notify team and stakeholders", section: "3" },
    { id: "pre-document-issue", text: "Document the issue (symptoms, logs, metrics)", section: "3" },
    {
      id: "pre-backup-available",
      text: "Ensure backup is available",
      section: "3",
      probe: { kind: "backup-available", rule: "at least one database backup exists" },
    },
    {
      id: "pre-pause-queues",
      text: "Pause all queues to prevent new jobs",
      section: "3",
      probe: { kind: "queues-paused", rule: "every queue reports paused" },
    },
    { id: "pre-snapshot-state", text: "Take snapshot of current state (for post-mortem)", section: "3" },
  ],
};

// plan §3 "Information to Gather": the comment above each command is the item.
export const informationToGather: Checklist = {
  id: "information-to-gather",
  title: "Information to Gather",
  section: "3",
  opensOn: "always",
  items: [
    {
      id: "info-current-version",
      text: "Current deployment version",
      section: "3",
      commands: ["git rev-parse HEAD"],
      probe: { kind: "current-version", rule: "the running version is known" },
    },
    { id: "info-last-stable-version", text: "Last stable version", section: "3", commands: ["git log --oneline -5"] },
    {
      id: "info-current-error-rate",
      text: "Current error rate",
      section: "3",
      commands: ["grep ERROR /var/log/app.log | wc -l"],
      probe: probes.measured("errorRate", "the sampler measures the error rate"),
    },
    {
      id: "info-queue-status",
      text: "Queue status",
      section: "3",
      commands: ["curl http://localhost:3001/api/queue/stats"],
      probe: probes.measured("queueLength", "the queue stats answer"),
    },
    {
      id: "info-database-state",
      text: "Database state",
      section: "3",
      commands: ['psql $DATABASE_URL -c "SELECT count(*) FROM projects;"'],
    },
    {
      id: "info-system-resources",
      text: "System resources",
      section: "3",
      commands: ["free -h && df -h"],
      probe: { kind: "system-resources", rule: "the sampler measures free memory and free disk" },
    },
  ],
};

// plan §6.1 "Immediate Checks (0-5 minutes)": the numbered comment is the item.
export const immediateChecks: Checklist = {
  id: "immediate-checks",
  title: "Immediate Checks (0-5 minutes)",
  section: "6.1",
  opensOn: "rollback-completed",
  items: [
    {
      id: "immediate-health-endpoint",
      text: "Health endpoint",
      section: "6.1",
      commands: ["curl http://localhost:3001/health"],
      expected: "200 OK",
      probe: probes.health,
    },
    {
      id: "immediate-api-endpoints",
      text: "API endpoints",
      section: "6.1",
      commands: ["curl http://localhost:3001/api/projects", "curl http://localhost:3001/api/analysis"],
    },
    {
      id: "immediate-queue-status",
      text: "Queue status",
      section: "6.1",
      commands: ["curl http://localhost:3001/api/queue/stats"],
      probe: probes.measured("queueLength", "the queue stats answer"),
    },
    {
      id: "immediate-error-logs",
      text: "Error logs",
      section: "6.1",
      commands: ["tail -n 50 /var/log/app.log | grep ERROR"],
      expected: "No new errors",
      probe: probes.noNewErrors,
    },
    {
      id: "immediate-database-connection",
      text: "Database connection",
      section: "6.1",
      commands: ['psql $DATABASE_URL -c "SELECT 1;"'],
      expected: "1",
      probe: probes.db,
    },
    {
      id: "immediate-redis-connection",
      text: "Redis connection",
      section: "6.1",
      commands: ["redis-cli PING"],
      expected: "PONG",
      probe: probes.redis,
    },
  ],
};

// plan §6.2 "Extended Monitoring (5-30 minutes)": watching, which no single probe can tick.
export const extendedMonitoring: Checklist = {
  id: "extended-monitoring",
  title: "Extended Monitoring (5-30 minutes)",
  section: "6.2",
  opensOn: "rollback-completed",
  opensAfterMs: 5 * MINUTE,
  items: [
    {
      id: "monitor-error-rate",
      text: "Monitor error rate",
      section: "6.2",
      commands: ["watch -n 10 'grep ERROR /var/log/app.log | wc -l'"],
    },
    {
      id: "monitor-response-times",
      text: "Monitor response times",
      section: "6.2",
      commands: [
        'while true; do\n  curl -w "@curl-format.txt" -o /dev/null -s http://localhost:3001/api/projects\n  sleep 5\ndone',
      ],
    },
    {
      id: "monitor-queue-health",
      text: "Monitor queue health",
      section: "6.2",
      commands: ["watch -n 30 'curl -s http://localhost:3001/api/queue/stats | jq'"],
    },
    {
      id: "monitor-system-resources",
      text: "Monitor system resources",
      section: "6.2",
      commands: ["watch -n 10 'free -h && df -h'"],
    },
  ],
};

const MANUAL = "Manual testing checklist";

// plan §6.3 "Functional Testing", including its manual testing checklist.
export const functionalTesting: Checklist = {
  id: "functional-testing",
  title: "Functional Testing",
  section: "6.3",
  opensOn: "rollback-completed",
  items: [
    {
      id: "functional-smoke-tests",
      text: "Run smoke tests",
      section: "6.3",
      commands: ["npm run test:smoke"],
      probe: probes.smokeTests,
    },
    {
      id: "functional-critical-e2e",
      text: "Run critical E2E tests",
      section: "6.3",
      commands: ["npm run e2e -- --grep critical"],
    },
    { id: "manual-user-can-login", text: "User can login", section: "6.3", group: MANUAL },
    { id: "manual-user-can-create-project", text: "User can create project", section: "6.3", group: MANUAL },
    { id: "manual-user-can-analyze-scene", text: "User can analyze scene", section: "6.3", group: MANUAL },
    { id: "manual-user-can-view-results", text: "User can view results", section: "6.3", group: MANUAL },
    {
      id: "manual-queue-processes-jobs",
      text: "Queue processes jobs",
      section: "6.3",
      group: MANUAL,
      probe: probes.jobsProcessing,
    },
  ],
};

const metricItemId: Record<TargetMetric, string> = {
  errorRate: "metrics-error-rate",
  responseTimeP95Ms: "metrics-response-time-p95",
  queueLength: "metrics-queue-length",
  cacheHitRate: "metrics-cache-hit-rate",
  dbQueryMs: "metrics-database-query-time",
};

// plan §6.4 "Metrics Verification": one item per table row.
export const metricsVerification: Checklist = {
  id: "metrics-verification",
  title: "Metrics Verification",
  section: "6.4",
  intro: "After 30 minutes of rollback:",
  opensOn: "rollback-completed",
  opensAfterMs: 30 * MINUTE,
  items: metricTargets.map((t) => ({
    id: metricItemId[t.metric],
    text: t.label,
    section: "6.4",
    target: t.target,
    howToCheck: t.howToCheck,
    probe: probes.target(t.metric),
  })),
};

// plan §8.2 "Continuous Improvement"
export const continuousImprovement: Checklist = {
  id: "continuous-improvement",
  title: "Continuous Improvement",
  section: "8.2",
  intro: "After each rollback:",
  opensOn: "rollback-completed",
  items: [
    { id: "improve-update-rollback-docs", text: "Update rollback documentation", section: "8.2" },
    { id: "improve-monitoring-alerts", text: "Improve monitoring/alerts", section: "8.2" },
    { id: "improve-add-tests", text: "Add relevant tests", section: "8.2" },
    { id: "improve-deployment-procedures", text: "Update deployment procedures", section: "8.2" },
    { id: "improve-share-learnings", text: "Share learnings with team", section: "8.2" },
  ],
};

// plan §9 "Rollback Safety Checkpoints"
export const checkpoints: readonly Checklist[] = [
  {
    id: "checkpoint-1",
    title: "Checkpoint 1: Before Initiating Rollback",
    section: "9",
    opensOn: "always",
    items: [
      { id: "cp1-severity-confirmed", text: "Issue severity confirmed (P0/P1/P2)", section: "9" },
      { id: "cp1-stakeholders-notified", text: "Stakeholders notified", section: "9" },
      {
        id: "cp1-backup-verified",
        text: "Backup verified available",
        section: "9",
        probe: { kind: "backup-available", rule: "at least one database backup exists" },
      },
      { id: "cp1-stable-version-identified", text: "Last stable version identified", section: "9" },
      { id: "cp1-plan-reviewed", text: "Rollback plan reviewed", section: "9" },
      { id: "cp1-team-ready", text: "Team ready to assist if needed", section: "9" },
    ],
  },
  {
    id: "checkpoint-2",
    title: "Checkpoint 2: After Code Rollback",
    section: "9",
    opensOn: "code-rollback",
    items: [
      { id: "cp2-health-responding", text: "Health endpoint responding", section: "9", probe: probes.health },
      { id: "cp2-no-errors-in-logs", text: "No errors in logs", section: "9", probe: probes.noNewErrors },
      { id: "cp2-smoke-tests-passing", text: "Smoke tests passing", section: "9", probe: probes.smokeTests },
      { id: "cp2-database-connects", text: "Can connect to database", section: "9", probe: probes.db },
      { id: "cp2-redis-connects", text: "Can connect to Redis", section: "9", probe: probes.redis },
    ],
  },
  {
    id: "checkpoint-3",
    title: "Checkpoint 3: After Queue Resume",
    section: "9",
    opensOn: "queue-resume",
    items: [
      { id: "cp3-jobs-processing", text: "Jobs processing successfully", section: "9", probe: probes.jobsProcessing },
      {
        id: "cp3-failure-rate-normal",
        text: "Failure rate normal (<2%)",
        section: "9",
        probe: {
          kind: "failure-rate",
          rule: `failed ÷ finished jobs since the queues resumed < ${FAILURE_RATE_NORMAL_PERCENT}%`,
        },
      },
      { id: "cp3-no-stuck-jobs", text: "No stuck jobs", section: "9" },
      { id: "cp3-processing-time-normal", text: "Processing time normal", section: "9" },
    ],
  },
  {
    id: "checkpoint-4",
    title: "Checkpoint 4: 30 Minutes After Rollback",
    section: "9",
    opensOn: "rollback-completed",
    opensAfterMs: 30 * MINUTE,
    items: [
      { id: "cp4-error-rate", text: "Error rate <1%", section: "9", probe: probes.target("errorRate") },
      {
        id: "cp4-response-times-normal",
        text: "Response times normal",
        section: "9",
        probe: probes.target("responseTimeP95Ms"),
      },
      { id: "cp4-no-new-incidents", text: "No new incidents", section: "9" },
      { id: "cp4-user-reports-normal", text: "User reports normal", section: "9" },
      {
        id: "cp4-metrics-healthy",
        text: "Metrics healthy",
        section: "9",
        probe: { kind: "all-metric-targets", rule: "every plan §6.4 metric meets its target" },
      },
    ],
  },
  {
    id: "checkpoint-5",
    title: "Checkpoint 5: 24 Hours After Rollback",
    section: "9",
    opensOn: "rollback-completed",
    opensAfterMs: 24 * HOUR,
    items: [
      { id: "cp5-system-stable", text: "System stable", section: "9" },
      {
        id: "cp5-no-degradation",
        text: "No degradation",
        section: "9",
        probe: {
          kind: "no-degradation",
          rule: `response time p95 ≤ ${SLIGHT_DEGRADATION_FACTOR}× baseline and error rate <1%`,
        },
      },
      { id: "cp5-post-mortem-completed", text: "Post-mortem completed", section: "9" },
      { id: "cp5-action-items-created", text: "Action items created", section: "9" },
      { id: "cp5-documentation-updated", text: "Documentation updated", section: "9" },
    ],
  },
];

/** Every checklist, in the plan's order. */
export const checklists: readonly Checklist[] = [
  preRollbackChecklist,
  informationToGather,
  immediateChecks,
  extendedMonitoring,
  functionalTesting,
  metricsVerification,
  continuousImprovement,
  ...checkpoints,
];

export type RollbackMilestones = {
  /** When the code rollback finished (checkpoint 2); defaults to the rollback's completion. */
  codeRolledBackAt?: Date | null;
  /** When the queues were resumed (checkpoint 3); defaults to the rollback's completion. */
  queuesResumedAt?: Date | null;
};

export type ChecklistSchedule = {
  isOpen: boolean;
  /** When it opens or opened; null for "always" and while its milestone has not happened. */
  opensAt: Date | null;
};

/**
 * When a checklist opens. Checkpoints 4 and 5 open 30 minutes and 24 hours after the rollback
 * completed (plan §9). The code rollback and queue resume happen within a rollback, so without
 * their own times they count as done when the rollback completed.
 */
export function checklistSchedule(
  c: Checklist,
  rollbackCompletedAt: Date | null,
  now: Date,
  milestones: RollbackMilestones = {},
): ChecklistSchedule {
  if (c.opensOn === "always") return { isOpen: true, opensAt: null };
  const milestone =
    c.opensOn === "code-rollback"
      ? (milestones.codeRolledBackAt ?? rollbackCompletedAt)
      : c.opensOn === "queue-resume"
        ? (milestones.queuesResumedAt ?? rollbackCompletedAt)
        : rollbackCompletedAt;
  if (!milestone) return { isOpen: false, opensAt: null };
  const opensAt = new Date(milestone.getTime() + (c.opensAfterMs ?? 0));
  return { isOpen: now >= opensAt, opensAt };
}

export function isCheckpointOpen(
  c: Checklist,
  rollbackCompletedAt: Date | null,
  now: Date,
  milestones?: RollbackMilestones,
): boolean {
  return checklistSchedule(c, rollbackCompletedAt, now, milestones).isOpen;
}

export type ChecklistProgress = { done: number; total: number; missing: ChecklistItem[] };

/** `ticks`: ids of the items ticked (by the commander, or after a probe verified them). */
export function checklistProgress(c: Checklist, ticks: Iterable<string>): ChecklistProgress {
  const ticked = new Set(ticks);
  const missing = c.items.filter((i) => !ticked.has(i.id));
  return { done: c.items.length - missing.length, total: c.items.length, missing };
}

export function isCheckpointComplete(c: Checklist, ticks: Iterable<string>): boolean {
  return checklistProgress(c, ticks).missing.length === 0;
}

/** The order a commander works through the lists: Checkpoint 1 gates the rollback, then §3, §6, the later checkpoints, §8.2. */
export const WORKING_ORDER = [
  "checkpoint-1",
  "pre-rollback",
  "information-to-gather",
  "immediate-checks",
  "extended-monitoring",
  "functional-testing",
  "metrics-verification",
  "checkpoint-2",
  "checkpoint-3",
  "checkpoint-4",
  "checkpoint-5",
  "continuous-improvement",
] as const;

/**
 * The lists that should be in front of the commander now: the first open, unfinished one in
 * working order (after the rollback, the first of those about after it), and any whose time has come (Checkpoint 4 at 30 minutes, 5 at 24 hours, §6.2 at
 * 5 minutes) while still unfinished. The console opens these by itself.
 */
export function dueChecklists(
  lists: readonly Checklist[],
  ticks: Iterable<string>,
  rollbackCompletedAt: Date | null,
  now: Date,
  milestones?: RollbackMilestones,
): string[] {
  const ticked = new Set(ticks);
  // Once the rollback has completed, the lists about starting it are behind the commander.
  const unfinishedOpen = lists.filter(
    (c) =>
      !(rollbackCompletedAt && c.opensOn === "always") &&
      checklistSchedule(c, rollbackCompletedAt, now, milestones).isOpen &&
      !isCheckpointComplete(c, ticked),
  );
  const due = new Set<string>();
  if (unfinishedOpen[0]) due.add(unfinishedOpen[0].id);
  for (const c of unfinishedOpen) if (c.opensAfterMs) due.add(c.id);
  return lists.filter((c) => due.has(c.id)).map((c) => c.id);
}

/** plan §6 and §9 checkpoints 2–5: the lists that verify a rollback once it is done. */
export const POST_ROLLBACK_LISTS = [
  "immediate-checks",
  "extended-monitoring",
  "functional-testing",
  "metrics-verification",
  "checkpoint-2",
  "checkpoint-3",
  "checkpoint-4",
  "checkpoint-5",
] as const;

/**
 * What resolving now would leave unchecked: the unticked items of the post-rollback lists that
 * are open (a list not open yet, such as Checkpoint 5 before 24 hours, is not asked for).
 */
export function untickedPostRollbackItems(
  lists: readonly Checklist[],
  ticks: Iterable<string>,
  rollbackCompletedAt: Date | null,
  now: Date,
  milestones?: RollbackMilestones,
): { checklistId: string; title: string; items: { id: string; text: string }[] }[] {
  const ticked = new Set(ticks);
  return lists
    .filter(
      (c) =>
        (POST_ROLLBACK_LISTS as readonly string[]).includes(c.id) &&
        checklistSchedule(c, rollbackCompletedAt, now, milestones).isOpen,
    )
    .map((c) => ({
      checklistId: c.id,
      title: c.title,
      items: c.items.filter((i) => !ticked.has(i.id)).map((i) => ({ id: i.id, text: i.text })),
    }))
    .filter((c) => c.items.length > 0);
}

export function findChecklistItem(id: string): ChecklistItem | undefined {
  for (const c of checklists) {
    const item = c.items.find((i) => i.id === id);
    if (item) return item;
  }
  return undefined;
}

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
  "backup-available": ["backupsAvailable"],
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
  "backupsAvailable",
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
  backupsAvailable?: number;
  /** Paused state per queue name. */
  queuesPaused?: Readonly<Record<string, boolean>>;
  /** Jobs that finished since the queues were resumed. */
  jobsSinceResume?: { completed: number; failed: number };
  currentVersion?: string;
};

export type ProbeResult = { verified: boolean; value: number | string | boolean | null; why: string };

function upDown(value: boolean | undefined, unknownWords: string, upWords: string, downWords: string): ProbeResult {
  if (value === undefined) return { verified: false, value: null, why: unknownWords };
  return { verified: value, value, why: value ? upWords : downWords };
}

function metricTarget(metric: TargetMetric, latest: Partial<MetricValues>): ProbeResult {
  const v = metricNumber(latest, metric);
  if (v === undefined) return { verified: false, value: null, why: `${metricInfo[metric].label} not measured` };
  return { verified: meetsTarget(metric, v), value: v, why: describeTarget(metric, v) };
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
      return metricTarget(p.metric, l);
    case "all-metric-targets": {
      const results = metricTargets.map((t) => metricTarget(t.metric, l));
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
      if (m.backupsAvailable === undefined) return { verified: false, value: null, why: "backups not listed" };
      return {
        verified: m.backupsAvailable > 0,
        value: m.backupsAvailable,
        why: `${plural(m.backupsAvailable, "backup")} available`,
      };
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
      const isErrorOk = meetsTarget("errorRate", l.errorRate);
      return {
        verified: isFast && isErrorOk,
        value: ratio,
        why:
          `response time p95 ${formatMetric("responseTimeP95Ms", p95)} is ${formatRatio(ratio)} baseline ${formatMetric("responseTimeP95Ms", base)} ` +
          `(${isFast ? "≤" : ">"} ${SLIGHT_DEGRADATION_FACTOR}×); ${describeTarget("errorRate", l.errorRate)}`,
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
