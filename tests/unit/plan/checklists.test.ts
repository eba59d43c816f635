import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  checklistProgress,
  checklists,
  checklistSchedule,
  checkpoints,
  dueChecklists,
  evaluateProbe,
  findChecklistItem,
  isCheckpointComplete,
  isCheckpointOpen,
  type Checklist,
  type ChecklistItem,
  type BackupRestored,
  type Measurements,
  type RollbackMilestones,
  WORKING_ORDER,
  untickedPostRollbackItems,
} from "@/lib/plan";
import { at, baseline, healthy, HOUR, MIN, T0 } from "./fixtures";

function checklist(id: string): Checklist {
  const c = checklists.find((x) => x.id === id);
  if (!c) throw new Error(`no checklist "${id}"`);
  return c;
}

function item(id: string): ChecklistItem {
  const i = findChecklistItem(id);
  if (!i) throw new Error(`no item "${id}"`);
  return i;
}

// Each list copied from rollback-plan.md, in its order.
const PLAN: Record<string, [section: string, title: string, texts: string[]]> = {
  "pre-rollback": [
    "3",
    "Before Initiating Rollback",
    [
      "Confirm the issue severity and impact",
      "Identify the stable version to rollback to",
      "Notify team and stakeholders",
      "Document the issue (symptoms, logs, metrics)",
      "Ensure backup is available",
      "Pause all queues to prevent new jobs",
      "Take snapshot of current state (for post-mortem)",
    ],
  ],
  "information-to-gather": [
    "3",
    "Information to Gather",
    [
      "Current deployment version",
      "Last stable version",
      "Current error rate",
      "Queue status",
      "Database state",
      "System resources",
    ],
  ],
  "immediate-checks": [
    "6.1",
    "Immediate Checks (0-5 minutes)",
    ["Health endpoint", "API endpoints", "Queue status", "Error logs", "Database connection", "Redis connection"],
  ],
  "extended-monitoring": [
    "6.2",
    "Extended Monitoring (5-30 minutes)",
    ["Monitor error rate", "Monitor response times", "Monitor queue health", "Monitor system resources"],
  ],
  "functional-testing": [
    "6.3",
    "Functional Testing",
    [
      "Run smoke tests",
      "Run critical E2E tests",
      "User can login",
      "User can create project",
      "User can analyze scene",
      "User can view results",
      "Queue processes jobs",
    ],
  ],
  "metrics-verification": [
    "6.4",
    "Metrics Verification",
    ["Error Rate", "API Response Time (P95)", "Queue Length", "Cache Hit Rate", "Database Query Time"],
  ],
  "continuous-improvement": [
    "8.2",
    "Continuous Improvement",
    [
      "Update rollback documentation",
      "Improve monitoring/alerts",
      "Add relevant tests",
      "Update deployment procedures",
      "Share learnings with team",
    ],
  ],
  "checkpoint-1": [
    "9",
    "Checkpoint 1: Before Initiating Rollback",
    [
      "Issue severity confirmed (P0/P1/P2)",
      "Stakeholders notified",
      "Backup verified available",
      "Last stable version identified",
      "Rollback plan reviewed",
      "Team ready to assist if needed",
    ],
  ],
  "checkpoint-2": [
    "9",
    "Checkpoint 2: After Code Rollback",
    [
      "Health endpoint responding",
      "No errors in logs",
      "Smoke tests passing",
      "Can connect to database",
      "Can connect to Redis",
    ],
  ],
  "checkpoint-3": [
    "9",
    "Checkpoint 3: After Queue Resume",
    ["Jobs processing successfully", "Failure rate normal (<2%)", "No stuck jobs", "Processing time normal"],
  ],
  "checkpoint-4": [
    "9",
    "Checkpoint 4: 30 Minutes After Rollback",
    ["Error rate <1%", "Response times normal", "No new incidents", "User reports normal", "Metrics healthy"],
  ],
  "checkpoint-5": [
    "9",
    "Checkpoint 5: 24 Hours After Rollback",
    ["System stable", "No degradation", "Post-mortem completed", "Action items created", "Documentation updated"],
  ],
};

describe("every checklist has the plan's items, in the plan's words", () => {
  it("has exactly the plan's checklists, in order; §9 is the five checkpoints", () => {
    expect(checklists.map((c) => c.id)).toEqual(Object.keys(PLAN));
    expect(checkpoints.map((c) => c.id)).toEqual([
      "checkpoint-1",
      "checkpoint-2",
      "checkpoint-3",
      "checkpoint-4",
      "checkpoint-5",
    ]);
  });

  it.each(Object.entries(PLAN))("%s", (id, [section, title, texts]) => {
    const c = checklist(id);
    expect([c.section, c.title]).toEqual([section, title]);
    expect(c.items).toHaveLength(texts.length);
    expect(c.items.map((i) => i.text)).toEqual(texts);
    expect(c.items.every((i) => i.section === section)).toBe(true);
  });

  it("gives every item a stable kebab-case id, unique across all checklists", () => {
    const ids = checklists.flatMap((c) => c.items.map((i) => i.id));
    expect(ids.filter((x) => !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(x))).toEqual([]);
    expect(ids.filter((x, i) => ids.indexOf(x) !== i)).toEqual([]);
    expect(item("cp1-backup-verified").text).toBe("Backup verified available");
  });

  it("keeps the plan's side notes: §6.1 expected results, §6.4 targets, §6.3's manual list, list intros", () => {
    expect(checklist("immediate-checks").items.map((i) => i.expected ?? null)).toEqual([
      "200 OK",
      null,
      null,
      "No new errors",
      "1",
      "PONG",
    ]);
    expect(checklist("metrics-verification").items.map((i) => [i.target, i.howToCheck])).toEqual([
      ["<1%", "Check logs, Sentry"],
      ["<300ms", "Check metrics dashboard"],
      ["<50", "Check Bull Board"],
      [">70%", "Check Redis INFO"],
      ["<100ms", "Check pg_stat_statements"],
    ]);
    expect(checklist("functional-testing").items.filter((i) => i.group === "Manual testing checklist")).toHaveLength(5);
    expect(checklist("metrics-verification").intro).toBe("After 30 minutes of rollback:");
    expect(checklist("continuous-improvement").intro).toBe("After each rollback:");
  });
});

// The same lists read straight from the plan itself (docs/rollback-plan.md, the copy Backout implements).
const PLAN_FILE = fileURLToPath(new URL("../../../docs/rollback-plan.md", import.meta.url));

type Parsed = { text: string; commands: string[]; expected?: string };

/** Items of each "###" section: "- [ ]" lines, "# N." / "# Run" / "# Monitor" comments with the commands under them, table rows. */
function parsePlan(md: string): Record<string, Parsed[]> {
  const out: Record<string, Parsed[]> = {};
  let items: Parsed[] = [];
  let isInFence = false;
  for (const line of md.split("\n")) {
    if (line.startsWith("## ")) {
      items = [];
      continue;
    }
    const heading = /^### (?:\d+\.\d+ )?(.+)$/.exec(line);
    if (heading) {
      items = out[heading[1]!.trim()] = [];
      continue;
    }
    if (line.startsWith("```")) {
      isInFence = !isInFence;
      continue;
    }
    const last = items[items.length - 1];
    const text = isInFence
      ? (/^# - \[ \] (.+)$/.exec(line) ?? /^# \d+\. (.+)$/.exec(line) ?? /^# ((?:Run|Monitor) .+)$/.exec(line))?.[1]
      : (/^- \[ \] (.+)$/.exec(line) ?? /^\| ([^|]+?) \| [^|]+ \| [^|]+ \|$/.exec(line))?.[1];
    if (text && text !== "Metric" && !text.startsWith("-")) items.push({ text, commands: [] });
    else if (isInFence && line.startsWith("# Expected: ") && last) last.expected = line.slice("# Expected: ".length);
    else if (isInFence && line.trim() && !line.startsWith("#") && last) last.commands.push(line);
  }
  return out;
}

describe("checked against rollback-plan.md itself", () => {
  const plan = parsePlan(fs.readFileSync(PLAN_FILE, "utf8"));
  const heading = (c: Checklist) => c.title;

  it.each(checklists.map((c) => [c.id, c] as const))("%s: same item texts", (_id, c) => {
    expect(c.items.map((i) => i.text)).toEqual(plan[heading(c)]?.map((p) => p.text));
  });

  it.each(checklists.filter((c) => c.items.some((i) => i.commands)).map((c) => [c.id, c] as const))(
    "%s: same commands and expected results",
    (_id, c) => {
      const parsed = plan[heading(c)]!;
      expect(c.items.map((i) => (i.commands ?? []).join("\n"))).toEqual(parsed.map((p) => p.commands.join("\n")));
      expect(c.items.map((i) => i.expected)).toEqual(parsed.map((p) => p.expected));
    },
  );
});

const passed = { status: "passed", durationMs: 1234, error: null } as const;
const restored = (over: Partial<BackupRestored>[]): Partial<Measurements> => ({
  backupsRestored: over.map((o) => ({ kind: "dump", newest: "backup_20261207_100000.sql.gz", check: passed, ...o })),
});

// Measurements of a healthy system after rollback; each case changes what it needs.
function m(over: Partial<Measurements> = {}): Measurements {
  return {
    latest: healthy(),
    baseline: baseline(),
    newErrors: 0,
    smokeTestsPassed: true,
    backupsRestored: [
      { kind: "dump", newest: "backup_20261207_100000.sql.gz", check: passed },
      { kind: "base-backup", newest: "base-2026-12-07", check: passed },
    ],
    queuesPaused: { "ai-analysis": true, "document-processing": true },
    jobsSinceResume: { completed: 99, failed: 1 },
    currentVersion: "v1.0.0",
    ...over,
  };
}
const latest = (over: Parameters<typeof healthy>[0]) => m({ latest: healthy(over) });

const probeCases: [id: string, label: string, verified: boolean, why: string, measured: Measurements][] = [
  [
    "pre-backup-available",
    "both kinds test-restored",
    true,
    "the newest dump (backup_20261207_100000.sql.gz) restored and verified in 1.2 s; the newest base backup (base-2026-12-07) restored and verified in 1.2 s",
    m(),
  ],
  [
    "pre-backup-available",
    "no backup at all",
    false,
    "no backup exists yet: take one first",
    m(restored([{ newest: null }, { kind: "base-backup", newest: null }])),
  ],
  [
    "cp1-backup-verified",
    "a dump only, restored (no base backups declared)",
    true,
    "the newest dump (backup_20261207_100000.sql.gz) restored and verified in 1.2 s",
    m(restored([{}])),
  ],
  [
    "cp1-backup-verified",
    "a file exists but was never restored",
    false,
    "the newest dump (backup_20261207_100000.sql.gz) has not been test-restored yet (it is, within a minute)",
    m(restored([{ check: null }])),
  ],
  [
    "cp1-backup-verified",
    "its test restore failed",
    false,
    "the newest dump (backup_20261207_100000.sql.gz) failed its test restore: relation orders does not exist. Fix it, or take a new backup",
    m(restored([{ check: { status: "failed", durationMs: 900, error: "relation orders does not exist." } }])),
  ],
  [
    "cp1-backup-verified",
    "the dump passed, the base backup is being tested",
    false,
    "the newest dump (backup_20261207_100000.sql.gz) restored and verified in 1.2 s; the newest base backup (base-1) is being test-restored now",
    m(
      restored([
        {},
        { kind: "base-backup", newest: "base-1", check: { status: "running", durationMs: null, error: null } },
      ]),
    ),
  ],
  ["cp1-backup-verified", "not listed", false, "backups not listed", m({ backupsRestored: undefined })],
  ["pre-pause-queues", "all paused", true, "all 2 queues paused", m()],
  [
    "pre-pause-queues",
    "one running",
    false,
    "not paused: document-processing",
    m({ queuesPaused: { "ai-analysis": true, "document-processing": false } }),
  ],
  ["info-current-version", "known", true, "running v1.0.0", m()],
  ["info-current-version", "not read", false, "running version not read", m({ currentVersion: undefined })],
  ["info-current-error-rate", "measured", true, "error rate 0.2%", m()],
  ["info-current-error-rate", "not measured", false, "error rate not measured", m({ latest: { healthUp: true } })],
  ["info-queue-status", "measured", true, "queue length 5 jobs", m()],
  ["info-queue-status", "not measured", false, "queue length not measured", m({ latest: { healthUp: true } })],
  ["immediate-queue-status", "measured", true, "queue length 5 jobs", m()],
  ["immediate-queue-status", "not measured", false, "queue length not measured", m({ latest: { healthUp: true } })],
  ["info-system-resources", "measured", true, "free memory 2 GiB; free disk 40 GiB", m()],
  [
    "info-system-resources",
    "disk not measured",
    false,
    "free memory or free disk not measured",
    latest({ freeDiskBytes: undefined }),
  ],
  ["immediate-health-endpoint", "up", true, "health endpoint answers 200 OK", m()],
  ["immediate-health-endpoint", "down", false, "health endpoint down", latest({ healthUp: false })],
  ["cp2-health-responding", "up", true, "health endpoint answers 200 OK", m()],
  ["cp2-health-responding", "down", false, "health endpoint down", latest({ healthUp: false })],
  ["immediate-error-logs", "no new errors", true, "0 new ERROR lines in the app log", m()],
  ["immediate-error-logs", "three new errors", false, "3 new ERROR lines in the app log", m({ newErrors: 3 })],
  ["cp2-no-errors-in-logs", "no new errors", true, "0 new ERROR lines in the app log", m()],
  ["cp2-no-errors-in-logs", "one new error", false, "1 new ERROR line in the app log", m({ newErrors: 1 })],
  ["immediate-database-connection", "SELECT 1 answers", true, "SELECT 1 answered", m()],
  ["immediate-database-connection", "SELECT 1 fails", false, "SELECT 1 failed", latest({ dbUp: false })],
  ["cp2-database-connects", "SELECT 1 answers", true, "SELECT 1 answered", m()],
  ["cp2-database-connects", "SELECT 1 fails", false, "SELECT 1 failed", latest({ dbUp: false })],
  ["immediate-redis-connection", "PONG", true, "PING answered PONG", m()],
  ["immediate-redis-connection", "no PONG", false, "PING got no PONG", latest({ redisUp: false })],
  ["cp2-redis-connects", "PONG", true, "PING answered PONG", m()],
  ["cp2-redis-connects", "no PONG", false, "PING got no PONG", latest({ redisUp: false })],
  ["functional-smoke-tests", "passed", true, "smoke tests passed", m()],
  ["functional-smoke-tests", "failed", false, "smoke tests failed", m({ smokeTestsPassed: false })],
  ["cp2-smoke-tests-passing", "passed", true, "smoke tests passed", m()],
  ["cp2-smoke-tests-passing", "not run", false, "smoke tests not run", m({ smokeTestsPassed: undefined })],
  ["manual-queue-processes-jobs", "jobs completed", true, "99 jobs completed since the queues resumed", m()],
  [
    "manual-queue-processes-jobs",
    "none completed",
    false,
    "0 jobs completed since the queues resumed",
    m({ jobsSinceResume: { completed: 0, failed: 3 } }),
  ],
  [
    "cp3-jobs-processing",
    "one job completed",
    true,
    "1 job completed since the queues resumed",
    m({ jobsSinceResume: { completed: 1, failed: 0 } }),
  ],
  [
    "cp3-jobs-processing",
    "none completed",
    false,
    "0 jobs completed since the queues resumed",
    m({ jobsSinceResume: { completed: 0, failed: 0 } }),
  ],
  ["cp3-failure-rate-normal", "1 of 100 failed (1%)", true, "failure rate 1% (1 of 100 jobs) < 2%", m()],
  [
    "cp3-failure-rate-normal",
    "2 of 100 failed (exactly 2%)",
    false,
    "failure rate 2% (2 of 100 jobs) is not < 2%",
    m({ jobsSinceResume: { completed: 98, failed: 2 } }),
  ],
  [
    "cp3-failure-rate-normal",
    "no job finished yet",
    false,
    "no jobs finished since the queues resumed",
    m({ jobsSinceResume: { completed: 0, failed: 0 } }),
  ],
  ["metrics-error-rate", "0.99%", true, "error rate 0.99% < 1%", latest({ errorRate: 0.99 })],
  ["metrics-error-rate", "exactly 1%", false, "error rate 1% is not < 1%", latest({ errorRate: 1 })],
  ["cp4-error-rate", "0.99%", true, "error rate 0.99% < 1%", latest({ errorRate: 0.99 })],
  ["cp4-error-rate", "exactly 1%", false, "error rate 1% is not < 1%", latest({ errorRate: 1 })],
  [
    "metrics-response-time-p95",
    "299 ms",
    true,
    "response time p95 299 ms < 300 ms",
    latest({ responseTimeP95Ms: 299 }),
  ],
  [
    "metrics-response-time-p95",
    "exactly 300 ms",
    false,
    "response time p95 300 ms is not < 300 ms",
    latest({ responseTimeP95Ms: 300 }),
  ],
  [
    "cp4-response-times-normal",
    "299 ms",
    true,
    "response time p95 299 ms < 300 ms",
    latest({ responseTimeP95Ms: 299 }),
  ],
  [
    "cp4-response-times-normal",
    "exactly 300 ms",
    false,
    "response time p95 300 ms is not < 300 ms",
    latest({ responseTimeP95Ms: 300 }),
  ],
  [
    "metrics-queue-length",
    "49 over two queues",
    true,
    "queue length 49 jobs < 50 jobs",
    latest({ queueLength: { a: 25, b: 24 } }),
  ],
  [
    "metrics-queue-length",
    "50 over two queues",
    false,
    "queue length 50 jobs is not < 50 jobs",
    latest({ queueLength: { a: 25, b: 25 } }),
  ],
  ["metrics-cache-hit-rate", "70.1%", true, "cache hit rate 70.1% > 70%", latest({ cacheHitRate: 70.1 })],
  ["metrics-cache-hit-rate", "exactly 70%", false, "cache hit rate 70% is not > 70%", latest({ cacheHitRate: 70 })],
  ["metrics-database-query-time", "99 ms", true, "database query time 99 ms < 100 ms", latest({ dbQueryMs: 99 })],
  [
    "metrics-database-query-time",
    "exactly 100 ms",
    false,
    "database query time 100 ms is not < 100 ms",
    latest({ dbQueryMs: 100 }),
  ],
  [
    "cp4-metrics-healthy",
    "all five within target",
    true,
    "error rate 0.2% < 1%; response time p95 240 ms < 300 ms; queue length 5 jobs < 50 jobs; cache hit rate 85% > 70%; database query time 12 ms < 100 ms",
    m(),
  ],
  [
    "cp4-metrics-healthy",
    "cache hit rate at 70%",
    false,
    "cache hit rate 70% is not > 70%",
    latest({ cacheHitRate: 70 }),
  ],
  [
    "cp4-metrics-healthy",
    "database query time not measured",
    false,
    "database query time not measured",
    latest({ dbQueryMs: undefined }),
  ],
  [
    "cp5-no-degradation",
    "p95 exactly 1.2× baseline",
    true,
    "response time p95 288 ms is 1.2× baseline 240 ms (≤ 1.2×); error rate 0.2% < 1%",
    latest({ responseTimeP95Ms: 288 }),
  ],
  [
    "cp5-no-degradation",
    "p95 just over 1.2×",
    false,
    "response time p95 289 ms is 1.204× baseline 240 ms (> 1.2×)",
    latest({ responseTimeP95Ms: 289 }),
  ],
  ["cp5-no-degradation", "error rate at 1%", false, "error rate 1% is not < 1%", latest({ errorRate: 1 })],
  ["cp5-no-degradation", "no baseline", false, "no baseline response time", m({ baseline: null })],
];

describe("evaluateProbe: every auto-verifiable item, passing and failing", () => {
  const probed = checklists.flatMap((c) => c.items.filter((i) => i.probe));

  it("has a passing and a failing case for every item with a probe", () => {
    const missing = probed.flatMap((i) =>
      [true, false]
        .filter((v) => !probeCases.some(([id, , verified]) => id === i.id && verified === v))
        .map((v) => `${i.id}:${v}`),
    );
    expect(missing).toEqual([]);
  });

  it.each(probeCases)("%s: %s → verified %s", (id, _label, verified, why, measured) => {
    const r = evaluateProbe(item(id), measured);
    expect(r?.verified).toBe(verified);
    expect(r?.why).toContain(why);
  });

  it.each(probed.map((i) => [i.id, i] as const))("%s: not verified when nothing was measured", (_id, i) => {
    const r = evaluateProbe(i, { latest: {} });
    expect(r?.verified).toBe(false);
    expect(r?.why).toMatch(/not (measured|read|run|listed)/);
  });

  it("quotes the value it read", () => {
    expect(evaluateProbe(item("metrics-error-rate"), latest({ errorRate: 0.4 }))?.value).toBe(0.4);
    expect(
      evaluateProbe(item("cp3-failure-rate-normal"), m({ jobsSinceResume: { completed: 45, failed: 5 } }))?.value,
    ).toBe(10);
    expect(evaluateProbe(item("cp4-metrics-healthy"), latest({ cacheHitRate: 60, dbQueryMs: 300 }))?.value).toBe("3/5");
  });

  it("says which probe verifies an item and the rule", () => {
    expect(item("cp2-redis-connects").probe).toEqual({ kind: "redis-ping", rule: "PING answers PONG" });
    expect(item("metrics-queue-length").probe).toEqual({
      kind: "metric-target",
      metric: "queueLength",
      rule: "queue length <50 (plan §6.4)",
    });
    expect(item("cp3-failure-rate-normal").probe?.kind).toBe("failure-rate");
  });

  it("leaves items no probe can verify to the commander", () => {
    for (const id of [
      "pre-notify-team",
      "cp3-no-stuck-jobs",
      "cp4-user-reports-normal",
      "cp5-post-mortem-completed",
      "monitor-error-rate",
    ])
      expect(evaluateProbe(item(id), m())).toBeNull();
  });
});

describe("when each checklist opens, relative to the rollback", () => {
  const done = at(0);
  const cases: [
    id: string,
    label: string,
    isOpen: boolean,
    opensAt: Date | null,
    completedAt: Date | null,
    now: Date,
    milestones?: RollbackMilestones,
  ][] = [
    ["checkpoint-1", "before any rollback", true, null, null, at(0)],
    ["pre-rollback", "before any rollback", true, null, null, at(0)],
    ["checkpoint-2", "rollback not completed", false, null, null, at(HOUR)],
    ["checkpoint-2", "rollback completed", true, done, done, done],
    [
      "checkpoint-2",
      "code rolled back, rollback still running",
      true,
      at(-5 * MIN),
      null,
      done,
      { codeRolledBackAt: at(-5 * MIN) },
    ],
    ["checkpoint-3", "queues not resumed yet", false, null, null, done, { codeRolledBackAt: at(-5 * MIN) }],
    ["checkpoint-3", "queues resumed", true, at(-MIN), null, done, { queuesResumedAt: at(-MIN) }],
    ["checkpoint-4", "rollback not completed", false, null, null, at(HOUR)],
    ["checkpoint-4", "1 ms before 30 min", false, at(30 * MIN), done, at(30 * MIN - 1)],
    ["checkpoint-4", "at 30 min", true, at(30 * MIN), done, at(30 * MIN)],
    ["checkpoint-4", "after 30 min", true, at(30 * MIN), done, at(2 * HOUR)],
    ["checkpoint-5", "at 30 min", false, at(24 * HOUR), done, at(30 * MIN)],
    ["checkpoint-5", "1 ms before 24 h", false, at(24 * HOUR), done, at(24 * HOUR - 1)],
    ["checkpoint-5", "at 24 h", true, at(24 * HOUR), done, at(24 * HOUR)],
    ["immediate-checks", "rollback completed", true, done, done, done],
    ["extended-monitoring", "at 4 min", false, at(5 * MIN), done, at(4 * MIN)],
    ["extended-monitoring", "at 5 min", true, at(5 * MIN), done, at(5 * MIN)],
    ["metrics-verification", "1 ms before 30 min", false, at(30 * MIN), done, at(30 * MIN - 1)],
    ["metrics-verification", "at 30 min", true, at(30 * MIN), done, at(30 * MIN)],
    ["continuous-improvement", "rollback not completed", false, null, null, at(0)],
  ];
  it.each(cases)("%s: %s → open %s", (id, _label, isOpen, opensAt, completedAt, now, milestones) => {
    const c = checklist(id);
    expect(checklistSchedule(c, completedAt, now, milestones)).toEqual({ isOpen, opensAt });
    expect(isCheckpointOpen(c, completedAt, now, milestones)).toBe(isOpen);
  });

  it("opens checkpoint 4 after 30 minutes and checkpoint 5 after 24 hours", () => {
    expect(checkpoints.map((c) => [c.opensOn, c.opensAfterMs ?? 0])).toEqual([
      ["always", 0],
      ["code-rollback", 0],
      ["queue-resume", 0],
      ["rollback-completed", 30 * MIN],
      ["rollback-completed", 24 * HOUR],
    ]);
    expect(T0).toEqual(done);
  });
});

describe("isCheckpointComplete: every item ticked", () => {
  const cp3 = checklist("checkpoint-3");
  const all = cp3.items.map((i) => i.id);
  const cases: [label: string, complete: boolean, done: number, ticks: string[]][] = [
    ["all ticked", true, 4, all],
    ["all ticked plus items of other lists", true, 4, [...all, "cp4-error-rate"]],
    ["one missing", false, 3, all.slice(1)],
    ["nothing ticked", false, 0, []],
    ["only other lists' items", false, 0, ["cp2-health-responding"]],
  ];
  it.each(cases)("%s → %s", (_label, complete, doneCount, ticks) => {
    expect(isCheckpointComplete(cp3, ticks)).toBe(complete);
    expect(checklistProgress(cp3, new Set(ticks))).toMatchObject({ done: doneCount, total: 4 });
  });

  it("names what is missing", () => {
    expect(checklistProgress(cp3, all.slice(1)).missing.map((i) => i.text)).toEqual(["Jobs processing successfully"]);
  });
});

describe("dueChecklists: which lists the console opens by itself", () => {
  const ordered = WORKING_ORDER.map(checklist);
  const all = (id: string) => checklist(id).items.map((i) => i.id);
  const done = at(0);
  const cases: [label: string, ticks: string[], completedAt: Date | null, now: Date, due: string[]][] = [
    ["a new incident: Checkpoint 1", [], null, at(0), ["checkpoint-1"]],
    ["Checkpoint 1 done: the §3 pre-rollback checklist", all("checkpoint-1"), null, at(0), ["pre-rollback"]],
    [
      "§3 done too: information to gather",
      [...all("checkpoint-1"), ...all("pre-rollback")],
      null,
      at(0),
      ["information-to-gather"],
    ],
    [
      "everything before done, no rollback yet: nothing",
      [...all("checkpoint-1"), ...all("pre-rollback"), ...all("information-to-gather")],
      null,
      at(HOUR),
      [],
    ],
    [
      "rollback just completed: §6.1 immediate checks",
      [...all("checkpoint-1"), ...all("pre-rollback"), ...all("information-to-gather")],
      done,
      done,
      ["immediate-checks"],
    ],
    ["rollback completed with §3 left unticked: the lists before it step aside", [], done, done, ["immediate-checks"]],
    [
      "5 minutes on, §6.1 unfinished: §6.1 and §6.2 (its time came)",
      [...all("checkpoint-1"), ...all("pre-rollback"), ...all("information-to-gather")],
      done,
      at(5 * MIN),
      ["immediate-checks", "extended-monitoring"],
    ],
    [
      "30 minutes on: Checkpoint 4 opens by itself, with §6.4",
      [...all("checkpoint-1"), ...all("pre-rollback"), ...all("information-to-gather")],
      done,
      at(30 * MIN),
      ["immediate-checks", "extended-monitoring", "metrics-verification", "checkpoint-4"],
    ],
    [
      "Checkpoint 4 already finished at 30 minutes: not opened",
      [...all("checkpoint-1"), ...all("pre-rollback"), ...all("information-to-gather"), ...all("checkpoint-4")],
      done,
      at(30 * MIN),
      ["immediate-checks", "extended-monitoring", "metrics-verification"],
    ],
    [
      "24 hours on: Checkpoint 5",
      [
        ...all("checkpoint-1"),
        ...all("pre-rollback"),
        ...all("information-to-gather"),
        ...all("immediate-checks"),
        ...all("extended-monitoring"),
        ...all("metrics-verification"),
        ...all("checkpoint-4"),
      ],
      done,
      at(24 * HOUR),
      ["functional-testing", "checkpoint-5"],
    ],
    ["all finished: nothing", WORKING_ORDER.flatMap(all), done, at(48 * HOUR), []],
  ];
  it.each(cases)("%s", (_label, ticks, completedAt, now, due) => {
    expect(dueChecklists(ordered, ticks, completedAt, now)).toEqual(due);
  });

  it("the working order names every checklist once", () => {
    expect([...WORKING_ORDER].sort()).toEqual(checklists.map((c) => c.id).sort());
  });
});

describe("resolving: the post-rollback items left unticked", () => {
  const ids = (r: ReturnType<typeof untickedPostRollbackItems>) => r.map((c) => [c.checklistId, c.items.length]);
  it("asks nothing before any rollback completed", () => {
    expect(untickedPostRollbackItems(checklists, [], null, at(10 * MIN))).toEqual([]);
  });
  it("names §6.1, §6.3 and checkpoints 2 and 3 right after the rollback; §6.2 at 5 min; §6.4 and Checkpoint 4 at 30 min; Checkpoint 5 at 24 h", () => {
    const done = at(0);
    const justAfter = ids(untickedPostRollbackItems(checklists, [], done, at(MIN)));
    expect(justAfter).toEqual([
      ["immediate-checks", 6],
      ["functional-testing", checklist("functional-testing").items.length],
      ["checkpoint-2", 5],
      ["checkpoint-3", 4],
    ]);
    expect(ids(untickedPostRollbackItems(checklists, [], done, at(5 * MIN))).map(([id]) => id)).toContain(
      "extended-monitoring",
    );
    const later = ids(untickedPostRollbackItems(checklists, [], done, at(30 * MIN))).map(([id]) => id);
    expect(later).toEqual(expect.arrayContaining(["metrics-verification", "checkpoint-4"]));
    expect(later).not.toContain("checkpoint-5");
    expect(ids(untickedPostRollbackItems(checklists, [], done, at(24 * HOUR))).map(([id]) => id)).toContain(
      "checkpoint-5",
    );
  });
  it("leaves out what is ticked, and lists nothing once every open item is", () => {
    const open = untickedPostRollbackItems(checklists, [], at(0), at(MIN));
    const allIds = open.flatMap((c) => c.items.map((i) => i.id));
    const some = untickedPostRollbackItems(checklists, [allIds[0]!], at(0), at(MIN));
    expect(some[0]!.items.map((i) => i.id)).not.toContain(allIds[0]);
    expect(untickedPostRollbackItems(checklists, allIds, at(0), at(MIN))).toEqual([]);
    // Never the lists about starting the rollback, nor §8.2's improvements.
    expect(open.map((c) => c.checklistId)).not.toContain("checkpoint-1");
    expect(open.map((c) => c.checklistId)).not.toContain("continuous-improvement");
  });
});
