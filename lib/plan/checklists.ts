// The plan's checklists, every item in the plan's own words: §3 pre-rollback and information to
// gather, §6.1–6.4 post-rollback verification, §8.2 continuous improvement, §9 safety checkpoints.
// Items a probe can verify say which probe and the rule; evaluateProbe (probes.ts) applies it, and
// checklist-schedule.ts says when each list opens and what is still due.
import { SLIGHT_DEGRADATION_FACTOR } from "./decision-matrix";
import { metricInfo, metricGoals, goalOf, type NumericMetricKey, type GoalMetric } from "./metrics";

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
  | { kind: "metric-target"; metric: GoalMetric; rule: string }
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
  target: (metric: GoalMetric): Probe => {
    const t = goalOf(metric);
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
      probe: {
        kind: "backup-available",
        rule: "the newest backup of each kind was restored and verified by a test restore",
      },
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

const metricItemId: Record<GoalMetric, string> = {
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
  items: metricGoals.map((t) => ({
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
        probe: {
          kind: "backup-available",
          rule: "the newest backup of each kind was restored and verified by a test restore",
        },
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

export function findChecklistItem(id: string): ChecklistItem | undefined {
  for (const c of checklists) {
    const item = c.items.find((i) => i.id === id);
    if (item) return item;
  }
  return undefined;
}
