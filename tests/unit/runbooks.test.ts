import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { findRunbook, runbooks } from "@/lib/runbooks";
import { previousRelease } from "@/lib/runbooks/params";
import { resolveRunbook } from "@/lib/runbooks/resolve";
import { defineRunbook, type Runbook, type TargetFacts } from "@/lib/runbooks/types";
import { stepSpec, type StepOf, type StepSpec, type StepSpecInput } from "@/lib/steps/schema";
import type { Target } from "@/lib/targets/schema";
import { BACKUPS, demoFacts, demoTarget } from "./fixtures";

const target = demoTarget();
const facts = demoFacts();

function runbook(id: string) {
  const r = findRunbook(id);
  if (!r) throw new Error(`no runbook "${id}"`);
  return r;
}

function resolve(id: string, params: unknown, t: Target = target, f: TargetFacts = facts) {
  return resolveRunbook(runbook(id), t, params, f);
}

function stepsOf(id: string, params: unknown = {}, t: Target = target, f: TargetFacts = facts): StepSpec[] {
  return resolve(id, params, t, f).steps;
}

function keys(steps: StepSpec[]): string[] {
  return steps.map((s) => s.key);
}

function stepKeyed<K extends StepSpec["kind"]>(steps: StepSpec[], key: string, kind: K): StepOf<K> {
  const s = steps.find((x) => x.key === key);
  expect(s, `step "${key}"`).toBeDefined();
  expect(s?.kind).toBe(kind);
  return s as StepOf<K>;
}

/** The AppError `fn` throws; fails the test if it throws something else or nothing. */
function appError(fn: () => unknown): AppError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(AppError);
  return caught as AppError;
}

// One set of valid params per runbook; the tables below run over every runbook through it.
const VALID_PARAMS: Record<string, Record<string, unknown>> = {
  "app-code": {},
  "queue-system": {},
  cache: {},
  frontend: {},
  "db-schema": {},
  "db-restore": { backup: BACKUPS[1] },
  "pitr-restore": { at: "2025-11-07T10:02:13.418Z" },
  "pitr-undo": {},
  "data-rollback": { backup: BACKUPS[1], table: "projects", ids: [1, "abc-2"] },
  emergency: {},
  "db-backup": {},
  deploy: { release: "v1.1.0" },
};
const IDS = runbooks.map((r) => r.id);

describe("every runbook resolves against the demo target", () => {
  it("has a valid-params row for each runbook", () => {
    expect(Object.keys(VALID_PARAMS).sort()).toEqual([...IDS].sort());
  });

  it.each(IDS)("%s: resolves, and every step it builds passes stepSpec", (id) => {
    const resolved = resolve(id, VALID_PARAMS[id]);
    expect(resolved.steps.length).toBeGreaterThan(0);
    // The runbook's own output, before resolveRunbook's parse: each step must be valid as written.
    const raw = runbook(id).steps({ target, params: resolved.params, facts });
    const results = raw.map((s) => stepSpec.safeParse(s));
    expect(results.flatMap((r, i) => (r.success ? [] : [{ step: i, issues: r.error.issues }]))).toEqual([]);
    expect(resolved.steps).toEqual(results.map((r) => r.data));
  });

  it.each(IDS)("%s: step keys are unique", (id) => {
    const k = keys(stepsOf(id, VALID_PARAMS[id]));
    expect(k.filter((x, i) => k.indexOf(x) !== i)).toEqual([]);
  });

  it.each(IDS)("%s: every step acts on this target's repo, Redis and database only", (id) => {
    for (const s of stepsOf(id, VALID_PARAMS[id])) {
      if (s.kind === "shell") expect(s.cwd).toBe("/srv/data/demo/repo");
      if (s.kind === "git") expect(s.repoPath).toBe("/srv/data/demo/repo");
      if (s.kind === "queue" || s.kind === "cache") expect(s.redisUrl).toBe("redis://127.0.0.1:6379/1");
      if (s.kind === "postgres") expect(s.databaseUrl).toBe("postgresql://postgres@127.0.0.1:5432/backout_demo");
      if (s.kind === "pitr") expect(s.liveUrl).toBe("postgresql://postgres@127.0.0.1:5432/backout_demo");
      if (s.kind === "http" || s.kind === "health-gate") expect(s.url.startsWith("http://127.0.0.1:3101/")).toBe(true);
    }
  });

  it.each(IDS)("%s: every shell step runs a command from the targets file, never one built from params", (id) => {
    const configured = Object.values(target.commands);
    const shells = stepsOf(id, VALID_PARAMS[id]).filter((s): s is StepOf<"shell"> => s.kind === "shell");
    for (const s of shells) expect(configured).toContainEqual(s.argv);
  });

  it.each(IDS)("%s: an unknown params key is rejected", (id) => {
    const err = appError(() => resolve(id, { ...VALID_PARAMS[id], sudo: true }));
    expect(err.code).toBe("UNPROCESSABLE");
    expect(err.issues).toContainEqual({ path: "params", message: 'Unrecognized key: "sudo"' });
  });
});

describe("resolveRunbook guards against a runbook that builds bad steps", () => {
  const bad = (steps: StepSpecInput[]) =>
    defineRunbook({
      id: "bad",
      title: "Bad",
      planSection: "-",
      summary: "",
      risk: "low",
      params: () => z.object({}).strict(),
      steps: () => steps,
    });
  const wait = (key: string): StepSpecInput => ({ kind: "wait", key, name: "Wait", ms: 1 });

  const cases: [
    label: string,
    steps: StepSpecInput[],
    code: string,
    issue: { path: string; message: string } | undefined,
  ][] = [
    [
      "an invalid step names its index and field",
      [wait("a"), { kind: "shell", key: "b", name: "B", argv: [], cwd: "/srv" }],
      "UNPROCESSABLE",
      { path: "steps.1.argv", message: "argv needs at least the program" },
    ],
    ["two steps with one key", [wait("same"), wait("same")], "INTERNAL", undefined],
  ];

  it.each(cases)("%s", (_label, steps, code, issue) => {
    const err = appError(() => resolveRunbook(bad(steps) as Runbook<unknown>, target, {}, facts));
    expect(err.code).toBe(code);
    if (issue) expect(err.issues).toContainEqual(issue);
  });
});

/** Asserts `wanted` keys all occur in `steps`, in this order (other steps may sit between them). */
function expectOrder(steps: StepSpec[], wanted: string[]) {
  expect(keys(steps).filter((k) => wanted.includes(k))).toEqual(wanted);
}

describe("plan §4.1 application code rollback (app-code)", () => {
  const steps = stepsOf("app-code", {});

  it("pauses queues, checks out, installs, builds, restarts, checks health, smoke-tests, then resumes", () => {
    expectOrder(steps, [
      "pause-queues",
      "checkout",
      "install",
      "build",
      "restart",
      "verify-health",
      "smoke-tests",
      "resume-queues",
    ]);
  });

  it("checks out the previous release in the target's repo", () => {
    expect(stepKeyed(steps, "checkout", "git")).toMatchObject({
      action: "checkout",
      ref: "v1.0.0",
      repoPath: "/srv/data/demo/repo",
    });
  });

  it("pauses and resumes every configured queue", () => {
    for (const [key, action] of [
      ["pause-queues", "pause"],
      ["resume-queues", "resume"],
    ] as const)
      expect(stepKeyed(steps, key, "queue")).toMatchObject({
        action,
        prefix: "bull",
        queues: ["ai-analysis", "document-processing"],
      });
  });

  it("runs the target's own install, build, restart and smoke-test commands", () => {
    expect(stepKeyed(steps, "install", "shell").argv).toEqual(["npm", "install", "--no-audit", "--no-fund"]);
    expect(stepKeyed(steps, "build", "shell").argv).toEqual(["npm", "run", "build"]);
    expect(stepKeyed(steps, "restart", "shell").argv).toEqual([
      "/srv/backout/node_modules/.bin/pm2",
      "restart",
      "all",
      "--update-env",
    ]);
    expect(stepKeyed(steps, "smoke-tests", "shell").argv).toEqual(["npm", "run", "test:smoke"]);
  });

  it("gates on the target's health endpoint", () => {
    expect(stepKeyed(steps, "verify-health", "health-gate").url).toBe("http://127.0.0.1:3101/health");
  });
});

describe("plan §11.1 emergency rollback script (emergency)", () => {
  const steps = stepsOf("emergency", {});

  it("has the script's eight numbered steps, in order (step 2 is git fetch + git checkout)", () => {
    expect(steps.map((s) => s.name)).toEqual([
      "1/8 Pausing queues",
      "2/8 Fetching releases",
      "2/8 Checking out stable version",
      "3/8 Installing dependencies",
      "4/8 Building",
      "5/8 Restarting services",
      "6/8 Waiting for services to start",
      "7/8 Verifying health",
      "8/8 Resuming queues",
    ]);
  });

  it("only the queue pause may fail (`|| echo Warning`); every other step stops the run (set -e)", () => {
    expect(steps.filter((s) => s.allowFailure).map((s) => s.key)).toEqual(["pause-queues"]);
    expect(stepKeyed(steps, "pause-queues", "queue")).toMatchObject({
      action: "pause",
      allowFailure: true,
      retries: 0,
    });
  });

  it("waits 15 seconds for services to start (sleep 15)", () => {
    expect(stepKeyed(steps, "wait-start", "wait").ms).toBe(15_000);
  });

  it("checks out the previous release", () => {
    expect(stepKeyed(steps, "checkout", "git").ref).toBe("v1.0.0");
  });
});

describe("plan §5.1 schema rollback (db-schema)", () => {
  const steps = stepsOf("db-schema", {});

  it("maintenance on → pause → backup → approval → down migration → verify → resume → maintenance off", () => {
    expect(keys(steps)[0]).toBe("maintenance-on");
    expect(keys(steps).at(-1)).toBe("maintenance-off");
    expectOrder(steps, [
      "maintenance-on",
      "pause-queues",
      "backup-before-rollback",
      "approve",
      "apply-down-migration",
      "verify-database",
      "resume-queues",
      "maintenance-off",
    ]);
  });

  it("stops writes through the target's maintenance endpoint", () => {
    expect(stepKeyed(steps, "maintenance-on", "http")).toMatchObject({
      method: "POST",
      url: "http://127.0.0.1:3101/api/maintenance/enable",
    });
    expect(stepKeyed(steps, "maintenance-off", "http")).toMatchObject({
      method: "POST",
      url: "http://127.0.0.1:3101/api/maintenance/disable",
    });
  });

  it("takes a backup_before_rollback_* backup in the target's backup dir", () => {
    expect(stepKeyed(steps, "backup-before-rollback", "postgres")).toMatchObject({
      action: "backup",
      backupLabel: "before_rollback",
      backupDir: "/srv/data/demo/backups",
    });
  });

  it("by default undoes the newest applied migration, with the SQL of the release that brought it", () => {
    expect(stepKeyed(steps, "apply-down-migration", "postgres")).toMatchObject({
      action: "run-sql-file",
      fromRelease: { repoPath: "/srv/data/demo/repo", ref: "v1.1.0", path: "migrations/0002_add_priority.down.sql" },
    });
  });

  it("preselects nothing when the target does not say what is applied", () => {
    const unknown = demoFacts({ downMigrations: [{ file: "0001_init.down.sql", release: null, isApplied: false }] });
    expect(() => stepsOf("db-schema", {}, target, unknown)).toThrow(/choose which down migration to apply/);
    expect(
      stepKeyed(
        stepsOf("db-schema", { migration: "0001_init.down.sql" }, target, unknown),
        "apply-down-migration",
        "postgres",
      ),
    ).toMatchObject({
      file: "/srv/data/demo/repo/migrations/0001_init.down.sql",
    });
  });

  it("asks a person before changing the schema", () => {
    expect(stepKeyed(steps, "approve", "approval-gate").prompt).toContain("0002_add_priority.down.sql");
  });
});

describe("plan §5.1 method 2 restore from backup (db-restore)", () => {
  const steps = stepsOf("db-restore", { backup: BACKUPS[1] });

  it("maintenance on → pause → backup → approval → restore → verify → resume → maintenance off", () => {
    expect(keys(steps)[0]).toBe("maintenance-on");
    expect(keys(steps).at(-1)).toBe("maintenance-off");
    expectOrder(steps, [
      "maintenance-on",
      "pause-queues",
      "backup-before-restore",
      "approve",
      "restore",
      "verify-database",
      "resume-queues",
      "maintenance-off",
    ]);
  });

  it("restores the chosen file from the target's backup dir", () => {
    expect(stepKeyed(steps, "restore", "postgres")).toMatchObject({
      action: "restore",
      file: "/srv/data/demo/backups/backup_20251107_101500.sql.gz",
    });
  });

  it("verifies with the target's verify queries", () => {
    expect(stepKeyed(steps, "verify-database", "postgres").queries).toEqual(target.postgres.verifyQueries);
  });
});

describe("plan §5.2 data rollback (data-rollback)", () => {
  const steps = stepsOf("data-rollback", { backup: BACKUPS[1], table: "scenes", ids: [7, "rec-9"] });

  it("identifies the records, backs up, restores them, shows them again", () => {
    expect(keys(steps)).toEqual([
      "identify-records",
      "backup-before-data-rollback",
      "approve",
      "restore-records",
      "verify-records",
    ]);
  });

  it("restores only the named records of the named table from the chosen backup", () => {
    expect(stepKeyed(steps, "restore-records", "postgres")).toMatchObject({
      action: "restore-records",
      file: "/srv/data/demo/backups/backup_20251107_101500.sql.gz",
      table: "scenes",
      ids: [7, "rec-9"],
    });
  });
});

describe("plan §4.2 queue system rollback (queue-system)", () => {
  const steps = stepsOf("queue-system", {});

  it("stops workers, drains, pauses, cleans, rolls back queue code, rebuilds, restarts workers, then resumes", () => {
    expectOrder(steps, [
      "stop-workers",
      "drain-active-jobs",
      "pause-queues",
      "clean-failed",
      "checkout-queue-code",
      "build",
      "restart-workers",
      "resume-ai-analysis",
      "resume-document-processing",
    ]);
  });

  it("rolls back only the queue code paths to the previous release", () => {
    expect(stepKeyed(steps, "checkout-queue-code", "git")).toMatchObject({
      action: "checkout-paths",
      ref: "v1.0.0",
      paths: ["src/worker.mjs"],
    });
  });

  it("resumes gradually: ai-analysis alone, wait and monitor, then document-processing alone", () => {
    expectOrder(steps, [
      "resume-ai-analysis",
      "monitor-before-document-processing",
      "stats-before-document-processing",
      "resume-document-processing",
    ]);
    expect(stepKeyed(steps, "resume-ai-analysis", "queue")).toMatchObject({
      action: "resume",
      queues: ["ai-analysis"],
    });
    expect(stepKeyed(steps, "monitor-before-document-processing", "wait").ms).toBeGreaterThan(0);
    expect(stepKeyed(steps, "resume-document-processing", "queue")).toMatchObject({
      action: "resume",
      queues: ["document-processing"],
    });
  });

  it("never resumes all queues at once", () => {
    const resumes = steps.filter((s): s is StepOf<"queue"> => s.kind === "queue" && s.action === "resume");
    expect(resumes.map((s) => s.queues)).toEqual([["ai-analysis"], ["document-processing"]]);
  });

  // Queue names such as "email.send" or "ai_analysis" are valid in the targets file
  // (letters, digits, . _ -) and in the queue step's own schema; the runbook must accept them.
  it.each([["email.send"], ["ai_analysis"], ["Reports"]])("resolves for a target whose queue is named %s", (queue) => {
    const t = demoTarget((json) => {
      json.targets[0].redis.queues = ["ai-analysis", queue];
    });
    const s = stepsOf("queue-system", {}, t);
    const resumes = s.filter((x): x is StepOf<"queue"> => x.kind === "queue" && x.action === "resume");
    expect(resumes.map((x) => x.queues)).toEqual([["ai-analysis"], [queue]]);
  });
});

describe("plan §4.3 cache rollback (cache)", () => {
  const twoPatterns = demoTarget((json) => {
    json.targets[0].redis.cachePatterns = ["gemini:*", "session:*"];
  });
  const noWarmPath = demoTarget((json) => {
    delete json.targets[0].http.cacheWarmPath;
  });
  const clear = (s: StepSpec) => s.kind === "cache" && (s.action === "flush" || s.action === "delete-pattern");

  const cases: [
    label: string,
    t: Target,
    params: Record<string, unknown>,
    cleared: { action: string; pattern?: string }[],
    tail: string[],
  ][] = [
    [
      "pattern mode (default) clears each configured pattern",
      target,
      {},
      [{ action: "delete-pattern", pattern: "gemini:*" }],
      ["ping", "warm"],
    ],
    [
      "pattern mode, two configured patterns",
      twoPatterns,
      { mode: "pattern" },
      [
        { action: "delete-pattern", pattern: "gemini:*" },
        { action: "delete-pattern", pattern: "session:*" },
      ],
      ["ping", "warm"],
    ],
    [
      "pattern mode, one chosen pattern",
      twoPatterns,
      { pattern: "session:*" },
      [{ action: "delete-pattern", pattern: "session:*" }],
      ["ping", "warm"],
    ],
    ["flush mode is one flush step", target, { mode: "flush" }, [{ action: "flush" }], ["ping", "warm"]],
    ["flush without warming", target, { mode: "flush", warm: false }, [{ action: "flush" }], ["ping"]],
    [
      "no warm path configured: no warm step",
      noWarmPath,
      {},
      [{ action: "delete-pattern", pattern: "gemini:*" }],
      ["ping"],
    ],
  ];

  it.each(cases)("%s", (_label, t, params, cleared, tail) => {
    const steps = stepsOf("cache", params, t);
    const clearing = steps.filter(clear);
    expect(
      clearing.map((s) =>
        s.kind === "cache" ? { action: s.action, ...(s.pattern ? { pattern: s.pattern } : {}) } : s,
      ),
    ).toEqual(cleared);
    // clear first, then PING, then warm
    expect(keys(steps)).toEqual([...clearing.map((s) => s.key), ...tail]);
  });

  it("warms through the target's warm endpoint", () => {
    expect(stepKeyed(stepsOf("cache", {}), "warm", "cache").warmUrl).toBe("http://127.0.0.1:3101/api/cache/warm");
  });
});

describe("plan §11.2 database backup (db-backup)", () => {
  const cases: [label: string, t: Target, keep: number][] = [
    ["demo target keeps 10", target, 10],
    ["a target keeping 3", demoTarget((json) => void (json.targets[0].postgres.keepBackups = 3)), 3],
  ];

  it.each(cases)("%s: one backup step keeping the target's keepBackups", (_label, t, keep) => {
    const steps = stepsOf("db-backup", {}, t);
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ kind: "postgres", action: "backup", backupDir: "/srv/data/demo/backups", keep });
  });
});

describe("runbook params", () => {
  const valid: [id: string, params: Record<string, unknown>, f: TargetFacts, expected: Record<string, unknown>][] = [
    ["app-code", {}, facts, { release: "v1.0.0" }],
    ["app-code", { release: "v1.1.0" }, facts, { release: "v1.1.0" }],
    ["app-code", {}, demoFacts({ currentRelease: null }), { release: "v1.3.0" }],
    ["app-code", {}, demoFacts({ currentRelease: "v1.3.0" }), { release: "v1.2.0" }],
    ["emergency", {}, facts, { release: "v1.0.0" }],
    ["frontend", {}, facts, { release: "v1.0.0" }],
    ["queue-system", {}, facts, { release: "v1.0.0" }],
    // What the deploy replaces is recorded with it: the autopilot rolls back to it (lib/deploys).
    ["deploy", { release: "v1.0.0" }, facts, { release: "v1.0.0", replaces: "v1.1.0" }],
    ["deploy", { release: "v1.0.0" }, demoFacts({ currentRelease: null }), { release: "v1.0.0" }],
    ["db-schema", {}, facts, { migration: "0002_add_priority.down.sql" }],
    ["db-schema", { migration: "0001_init.down.sql" }, facts, { migration: "0001_init.down.sql" }],
    ["db-restore", { backup: BACKUPS[0] }, facts, { backup: BACKUPS[0] }],
    [
      "data-rollback",
      { backup: BACKUPS[2], table: "scenes", ids: [1, "a_b-C"] },
      facts,
      { backup: BACKUPS[2], table: "scenes", ids: [1, "a_b-C"] },
    ],
    ["cache", {}, facts, { mode: "pattern", warm: true }],
    ["cache", { pattern: "gemini:*", warm: false }, facts, { mode: "pattern", pattern: "gemini:*", warm: false }],
    ["db-backup", {}, facts, {}],
  ];

  it.each(valid)("%s %j resolves to its params", (id, params, f, expected) => {
    expect(resolve(id, params, target, f).params).toEqual(expected);
  });

  const invalid: [id: string, params: unknown, f: TargetFacts, path: string, message: string][] = [
    [
      "app-code",
      { release: "v9.9.9" },
      facts,
      "params.release",
      'unknown release "v9.9.9"; choose one of: v1.0.0, v1.1.0',
    ],
    ["app-code", { release: "v1.0.0; rm -rf /" }, facts, "params.release", "unknown release"],
    ["emergency", { release: "$(reboot)" }, facts, "params.release", "unknown release"],
    ["frontend", { release: "v1.0.0 && reboot" }, facts, "params.release", "unknown release"],
    ["queue-system", { release: "../v1.0.0" }, facts, "params.release", "unknown release"],
    ["app-code", { release: 1 }, facts, "params.release", "a release tag, one of: v1.0.0, v1.1.0, v1.2.0, v1.3.0"],
    [
      "app-code",
      {},
      demoFacts({ currentRelease: "v1.0.0" }),
      "params.release",
      "required; choose one of: v1.0.0, v1.1.0, v1.2.0, v1.3.0",
    ],
    [
      "app-code",
      {},
      demoFacts({ releases: [], currentRelease: null }),
      "params.release",
      "required; choose one of: (none)",
    ],
    ["deploy", {}, facts, "params.release", "required; choose one of: v1.0.0, v1.1.0, v1.2.0, v1.3.0"],
    ["db-restore", {}, facts, "params.backup", "a backup file name"],
    ["db-restore", { backup: "backup_19990101_000000.sql.gz" }, facts, "params.backup", "unknown backup"],
    ["db-restore", { backup: "../../etc/passwd" }, facts, "params.backup", "unknown backup"],
    ["db-restore", { backup: `/srv/data/demo/backups/${BACKUPS[1]}` }, facts, "params.backup", "unknown backup"],
    [
      "db-schema",
      { migration: "0003_nope.down.sql" },
      facts,
      "params.migration",
      'unknown down migration "0003_nope.down.sql"',
    ],
    ["db-schema", { migration: "../../../etc/passwd" }, facts, "params.migration", "unknown down migration"],
    ["db-schema", {}, demoFacts({ downMigrations: [] }), "params.migration", "the target has no down migrations"],
    ["data-rollback", { backup: "nope.sql.gz", table: "projects", ids: [1] }, facts, "params.backup", "unknown backup"],
    [
      "data-rollback",
      { backup: BACKUPS[1], table: "users", ids: [1] },
      facts,
      "params.table",
      "one of the target's data tables: projects, scenes",
    ],
    [
      "data-rollback",
      { backup: BACKUPS[1], table: "projects; DROP TABLE scenes", ids: [1] },
      facts,
      "params.table",
      "one of the target's data tables",
    ],
    [
      "data-rollback",
      { backup: BACKUPS[1], table: "projects", ids: [] },
      facts,
      "params.ids",
      "name at least one record id",
    ],
    [
      "data-rollback",
      { backup: BACKUPS[1], table: "projects", ids: ["1' OR '1'='1"] },
      facts,
      "params.ids.0",
      "ids are letters, digits, _ or -",
    ],
    [
      "data-rollback",
      { backup: BACKUPS[1], table: "projects", ids: [1, "a b"] },
      facts,
      "params.ids.1",
      "ids are letters, digits, _ or -",
    ],
    [
      "data-rollback",
      { backup: BACKUPS[1], table: "projects", ids: ['a"b'] },
      facts,
      "params.ids.0",
      "ids are letters, digits, _ or -",
    ],
    [
      "data-rollback",
      { backup: BACKUPS[1], table: "projects", ids: Array.from({ length: 1001 }, (_, i) => i + 1) },
      facts,
      "params.ids",
      "at most 1000 ids per run",
    ],
    ["data-rollback", { backup: BACKUPS[1], table: "projects" }, facts, "params.ids", "expected array"],
    ["cache", { pattern: "*" }, facts, "params.pattern", "one of the target's cache patterns: gemini:*"],
    ["cache", { pattern: "other:*" }, facts, "params.pattern", "one of the target's cache patterns: gemini:*"],
    ["cache", { mode: "nuke" }, facts, "params.mode", 'mode: "pattern" (delete matching keys) or "flush" (everything)'],
    ["db-backup", "all", facts, "params", "expected object"],
  ];

  it.each(invalid)("%s %j is rejected", (id, params, f, path, message) => {
    const err = appError(() => resolve(id, params, target, f));
    expect(err.code).toBe("UNPROCESSABLE");
    expect(err.status).toBe(422);
    expect(err.message).toContain(`"${id}"`);
    expect(err.issues).toContainEqual({ path, message: expect.stringContaining(message) });
  });
});

describe("request text only selects among known values", () => {
  // Where a param's value shows up in the resolved steps, as "<kind>.<field>" (names and
  // prompts are display text and left out). A release must only ever reach git as a ref.
  function whereValueAppears(steps: StepSpec[], value: string): string[] {
    const at = new Set<string>();
    for (const s of steps)
      for (const [field, v] of Object.entries(s)) {
        if (field === "name" || field === "prompt") continue;
        if (JSON.stringify(v ?? null).includes(value)) at.add(`${s.kind}.${field}`);
      }
    return [...at].sort();
  }

  const cases: [id: string, params: Record<string, unknown>, value: string, expected: string[]][] = [
    ["app-code", { release: "v1.0.0" }, "v1.0.0", ["git.ref"]],
    ["queue-system", { release: "v1.0.0" }, "v1.0.0", ["git.ref"]],
    ["frontend", { release: "v1.0.0" }, "v1.0.0", ["git.ref"]],
    ["emergency", { release: "v1.0.0" }, "v1.0.0", ["git.ref"]],
    ["deploy", { release: "v1.1.0" }, "v1.1.0", ["git.ref"]],
    ["db-restore", { backup: BACKUPS[1] }, BACKUPS[1]!, ["postgres.file", "postgres.protect"]],
    ["db-schema", { migration: "0001_init.down.sql" }, "0001_init.down.sql", ["postgres.fromRelease"]],
    [
      "data-rollback",
      { backup: BACKUPS[1], table: "scenes", ids: [1] },
      BACKUPS[1]!,
      ["postgres.file", "postgres.protect"],
    ],
    [
      "data-rollback",
      { backup: BACKUPS[1], table: "scenes", ids: ["rec-77"] },
      "rec-77",
      ["postgres.ids", "postgres.queries"],
    ],
  ];

  it.each(cases)("%s %j: %s reaches only %j", (id, params, value, expected) => {
    expect(whereValueAppears(stepsOf(id, params), value)).toEqual(expected);
  });
});

describe("previousRelease", () => {
  const cases: [label: string, releases: string[], current: string | null, expected: string | undefined][] = [
    ["current in the middle → the one before", ["v1.0.0", "v1.1.0", "v1.2.0"], "v1.1.0", "v1.0.0"],
    ["current newest → the one before", ["v1.0.0", "v1.1.0", "v1.2.0"], "v1.2.0", "v1.1.0"],
    ["current first → none older", ["v1.0.0", "v1.1.0", "v1.2.0"], "v1.0.0", undefined],
    ["only release is current → none", ["v1.0.0"], "v1.0.0", undefined],
    ["current unknown (null) → newest", ["v1.0.0", "v1.1.0", "v1.2.0"], null, "v1.2.0"],
    ["current not a release tag → newest", ["v1.0.0", "v1.1.0"], "v2.0.0-rc1", "v1.1.0"],
    ["no releases → none", [], null, undefined],
    ["no releases, current set → none", [], "v1.0.0", undefined],
  ];

  it.each(cases)("%s", (_label, releases, currentRelease, expected) => {
    expect(previousRelease(demoFacts({ releases, currentRelease }))).toBe(expected);
  });
});
