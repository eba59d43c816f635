import { describe, expect, it } from "vitest";
import { STEP_KINDS, stepSpec, type StepKind } from "@/lib/steps/schema";

// A minimal valid step of every kind; each case below changes one thing about one of them.
const REDIS = "redis://127.0.0.1:6379/1";
const PG = "postgresql://postgres@127.0.0.1:5432/backout_demo";

const base = {
  shell: { kind: "shell", key: "build", name: "Build application", argv: ["npm", "run", "build"], cwd: "/srv/app" },
  http: {
    kind: "http",
    key: "check-version",
    name: "Check running version",
    method: "GET",
    url: "http://127.0.0.1:3101/api/version",
  },
  git: {
    kind: "git",
    key: "checkout",
    name: "Check out v1.0.0",
    repoPath: "/srv/app",
    action: "checkout",
    ref: "v1.0.0",
  },
  queue: {
    kind: "queue",
    key: "pause-queues",
    name: "Pause queues",
    redisUrl: REDIS,
    prefix: "bull",
    queues: ["ai-analysis"],
    action: "pause",
  },
  cache: { kind: "cache", key: "ping", name: "Verify Redis health", redisUrl: REDIS, action: "ping" },
  postgres: {
    kind: "postgres",
    key: "backup",
    name: "Back up the database",
    databaseUrl: PG,
    action: "backup",
    backupDir: "/srv/data/backups",
  },
  pitr: {
    kind: "pitr",
    key: "swap",
    name: "Swap the restored copy in",
    action: "swap",
    liveUrl: "postgresql://postgres@127.0.0.1:5460/postgres",
    dataDir: "/srv/pg/live",
    incoming: "/srv/pg/live.restore-1",
    keepAs: "/srv/pg/live.replaced-1",
  },
  wait: { kind: "wait", key: "wait-start", name: "Waiting for services to start", ms: 15_000 },
  "health-gate": {
    kind: "health-gate",
    key: "verify-health",
    name: "Verify health",
    url: "http://127.0.0.1:3101/health",
  },
  "approval-gate": {
    kind: "approval-gate",
    key: "approve",
    name: "Approve restore",
    prompt: "Drop the database and restore?",
  },
} satisfies Record<StepKind, Record<string, unknown>>;

/** The base step of a kind with some fields replaced and/or removed. */
function step(kind: StepKind, patch: Record<string, unknown> = {}, without: string[] = []): Record<string, unknown> {
  const s: Record<string, unknown> = { ...base[kind], ...patch };
  for (const k of without) delete s[k];
  return s;
}

// plan: nothing is retried, time-limited differently or allowed to fail unless a runbook says so.
const COMMON_DEFAULTS = { isIdempotent: false, retries: 0, retryDelayMs: 500, timeoutMs: 300_000, allowFailure: false };

describe("stepSpec: valid steps get their defaults", () => {
  const cases: [label: string, input: Record<string, unknown>, expected: Record<string, unknown>][] = [
    ["shell", base.shell, { ...base.shell, ...COMMON_DEFAULTS, env: {}, expectExitCodes: [0] }],
    ["http", base.http, { ...base.http, ...COMMON_DEFAULTS, expectStatus: [200] }],
    ["git checkout", base.git, { ...base.git, ...COMMON_DEFAULTS }],
    ["queue", base.queue, { ...base.queue, ...COMMON_DEFAULTS }],
    ["cache ping", base.cache, { ...base.cache, ...COMMON_DEFAULTS }],
    ["postgres backup", base.postgres, { ...base.postgres, ...COMMON_DEFAULTS }],
    ["pitr swap", base.pitr, { ...base.pitr, ...COMMON_DEFAULTS }],
    ["wait", base.wait, { ...base.wait, ...COMMON_DEFAULTS }],
    [
      "health-gate",
      base["health-gate"],
      { ...base["health-gate"], ...COMMON_DEFAULTS, intervalMs: 1000, expectStatus: 200, successes: 2 },
    ],
    ["approval-gate", base["approval-gate"], { ...base["approval-gate"], ...COMMON_DEFAULTS }],
    [
      "explicit common values are kept",
      step("shell", { isIdempotent: true, retries: 10, retryDelayMs: 0, timeoutMs: 3_600_000, allowFailure: true }),
      {
        ...base.shell,
        env: {},
        expectExitCodes: [0],
        isIdempotent: true,
        retries: 10,
        retryDelayMs: 0,
        timeoutMs: 3_600_000,
        allowFailure: true,
      },
    ],
    [
      "shell with env and exit codes",
      step("shell", { env: { PM2_HOME: "/srv/pm2" }, expectExitCodes: [0, 1] }),
      { ...base.shell, ...COMMON_DEFAULTS, env: { PM2_HOME: "/srv/pm2" }, expectExitCodes: [0, 1] },
    ],
    [
      "http POST with https URL, body and statuses",
      step("http", {
        method: "POST",
        url: "https://app.example.com/api/queue/pause-all",
        body: { all: true },
        expectStatus: [200, 204],
      }),
      {
        ...base.http,
        ...COMMON_DEFAULTS,
        method: "POST",
        url: "https://app.example.com/api/queue/pause-all",
        body: { all: true },
        expectStatus: [200, 204],
      },
    ],
    [
      "git fetch needs no ref",
      step("git", { action: "fetch" }, ["ref"]),
      { ...step("git", { action: "fetch" }, ["ref"]), ...COMMON_DEFAULTS },
    ],
    [
      "git log needs no ref",
      step("git", { action: "log" }, ["ref"]),
      { ...step("git", { action: "log" }, ["ref"]), ...COMMON_DEFAULTS },
    ],
    [
      "git ref with slash",
      step("git", { ref: "release/1.2" }),
      { ...base.git, ref: "release/1.2", ...COMMON_DEFAULTS },
    ],
    [
      "git checkout-paths",
      step("git", { action: "checkout-paths", paths: ["backend/src/queues/", "src/worker.mjs"] }),
      { ...base.git, action: "checkout-paths", paths: ["backend/src/queues/", "src/worker.mjs"], ...COMMON_DEFAULTS },
    ],
    [
      "queue resume several",
      step("queue", { action: "resume", queues: ["ai-analysis", "document.processing_2"] }),
      { ...base.queue, action: "resume", queues: ["ai-analysis", "document.processing_2"], ...COMMON_DEFAULTS },
    ],
    ["cache flush", step("cache", { action: "flush" }), { ...base.cache, action: "flush", ...COMMON_DEFAULTS }],
    [
      "cache delete-pattern",
      step("cache", { action: "delete-pattern", pattern: "gemini:*" }),
      { ...base.cache, action: "delete-pattern", pattern: "gemini:*", ...COMMON_DEFAULTS },
    ],
    [
      "cache delete-pattern with ? and []",
      step("cache", { action: "delete-pattern", pattern: "gemini:project:[0-9]?" }),
      { ...base.cache, action: "delete-pattern", pattern: "gemini:project:[0-9]?", ...COMMON_DEFAULTS },
    ],
    [
      "cache warm",
      step("cache", { action: "warm", warmUrl: "http://127.0.0.1:3101/api/cache/warm" }),
      { ...base.cache, action: "warm", warmUrl: "http://127.0.0.1:3101/api/cache/warm", ...COMMON_DEFAULTS },
    ],
    [
      "postgres labelled backup keeping 10",
      step("postgres", { backupLabel: "before_rollback", keep: 10 }),
      { ...base.postgres, backupLabel: "before_rollback", keep: 10, ...COMMON_DEFAULTS },
    ],
    [
      "postgres restore",
      step("postgres", { action: "restore", file: "/srv/data/backups/backup_20251107_101500.sql.gz" }, ["backupDir"]),
      {
        ...step("postgres", { action: "restore", file: "/srv/data/backups/backup_20251107_101500.sql.gz" }, [
          "backupDir",
        ]),
        ...COMMON_DEFAULTS,
      },
    ],
    [
      "postgres run-sql-file",
      step("postgres", { action: "run-sql-file", file: "/srv/app/migrations/0002.down.sql" }, ["backupDir"]),
      {
        ...step("postgres", { action: "run-sql-file", file: "/srv/app/migrations/0002.down.sql" }, ["backupDir"]),
        ...COMMON_DEFAULTS,
      },
    ],
    [
      "postgres verify",
      step("postgres", { action: "verify", queries: [{ name: "projects", sql: "SELECT 1" }] }, ["backupDir"]),
      {
        ...step("postgres", { action: "verify", queries: [{ name: "projects", sql: "SELECT 1" }] }, ["backupDir"]),
        ...COMMON_DEFAULTS,
      },
    ],
    [
      "postgres restore-records with int and token ids",
      step("postgres", { action: "restore-records", file: "/srv/b.sql.gz", table: "projects", ids: [1, "abc_2-x"] }, [
        "backupDir",
      ]),
      {
        ...step(
          "postgres",
          { action: "restore-records", file: "/srv/b.sql.gz", table: "projects", ids: [1, "abc_2-x"] },
          ["backupDir"],
        ),
        ...COMMON_DEFAULTS,
      },
    ],
    ["wait 0 ms", step("wait", { ms: 0 }), { ...base.wait, ms: 0, ...COMMON_DEFAULTS }],
    ["wait one hour", step("wait", { ms: 3_600_000 }), { ...base.wait, ms: 3_600_000, ...COMMON_DEFAULTS }],
    [
      "health-gate with explicit polling",
      step("health-gate", { intervalMs: 50, expectStatus: 204, successes: 1 }),
      { ...base["health-gate"], intervalMs: 50, expectStatus: 204, successes: 1, ...COMMON_DEFAULTS },
    ],
  ];

  it.each(cases)("%s", (_label, input, expected) => {
    expect(stepSpec.parse(input)).toEqual(expected);
  });

  it("every step kind has a valid case", () => {
    const covered = new Set(cases.map(([, input]) => input.kind));
    expect([...STEP_KINDS].filter((k) => !covered.has(k))).toEqual([]);
  });
});

describe("stepSpec: invalid steps name the field and what is expected", () => {
  const cases: [label: string, input: Record<string, unknown>, path: (string | number)[], message: string][] = [
    // common fields
    [
      "pitr restore-beside without a moment",
      step("pitr", { action: "restore-beside" }),
      ["archiveDir"],
      "required for restore-beside",
    ],
    ["pitr swap without keepAs", step("pitr", {}, ["keepAs"]), ["keepAs"], "required for swap"],
    ["pitr swap into a path with ..", step("pitr", { incoming: "/srv/pg/../etc" }), ["incoming"], "no .. in the path"],
    ["key with uppercase", step("wait", { key: "Wait-Start" }), ["key"], "lowercase letters, digits and dashes"],
    ["key with space", step("wait", { key: "wait start" }), ["key"], "lowercase letters, digits and dashes"],
    ["empty name", step("wait", { name: "" }), ["name"], ">=1 characters"],
    ["isIdempotent not boolean", step("wait", { isIdempotent: "yes" }), ["isIdempotent"], "expected boolean"],
    ["negative retries", step("wait", { retries: -1 }), ["retries"], ">=0"],
    ["more than 10 retries", step("wait", { retries: 11 }), ["retries"], "<=10"],
    ["timeout under 100 ms", step("wait", { timeoutMs: 99 }), ["timeoutMs"], ">=100"],
    ["timeout over an hour", step("wait", { timeoutMs: 3_600_001 }), ["timeoutMs"], "<=3600000"],
    ["negative retry delay", step("wait", { retryDelayMs: -5 }), ["retryDelayMs"], ">=0"],
    // shell
    ["shell with empty argv", step("shell", { argv: [] }), ["argv"], "argv needs at least the program"],
    [
      "shell with an empty argv entry",
      step("shell", { argv: ["npm", ""] }),
      ["argv", 1],
      "argv entries must not be empty",
    ],
    ["shell with a command line string", step("shell", { argv: "npm run build" }), ["argv"], "expected array"],
    ["shell with relative cwd", step("shell", { cwd: "srv/app" }), ["cwd"], "an absolute path"],
    ["shell without cwd", step("shell", {}, ["cwd"]), ["cwd"], "expected string"],
    [
      "shell env value not a string",
      step("shell", { env: { DEMO_PORT: 3101 } }),
      ["env", "DEMO_PORT"],
      "expected string",
    ],
    [
      "shell exit code not an integer",
      step("shell", { expectExitCodes: [0.5] }),
      ["expectExitCodes", 0],
      "expected int",
    ],
    // http
    ["http with ftp:// URL", step("http", { url: "ftp://127.0.0.1/health" }), ["url"], "an http(s):// URL"],
    ["http with file:// URL", step("http", { url: "file:///etc/passwd" }), ["url"], "an http(s):// URL"],
    ["http with a path for URL", step("http", { url: "/health" }), ["url"], "Invalid URL"],
    ["http expecting status 700", step("http", { expectStatus: [700] }), ["expectStatus", 0], "<=599"],
    ["http expecting status 99", step("http", { expectStatus: [200, 99] }), ["expectStatus", 1], ">=100"],
    ["http expecting no status", step("http", { expectStatus: [] }), ["expectStatus"], ">=1 items"],
    ["http with unknown method", step("http", { method: "CONNECT" }), ["method"], "expected one of"],
    // git
    ["git checkout without ref", step("git", {}, ["ref"]), ["ref"], "required for checkout"],
    [
      "git checkout-paths without ref",
      step("git", { action: "checkout-paths", paths: ["src/queues"] }, ["ref"]),
      ["ref"],
      "required for checkout-paths",
    ],
    [
      "git checkout-paths without paths",
      step("git", { action: "checkout-paths" }),
      ["paths"],
      "name at least one path",
    ],
    [
      "git checkout-paths with no paths",
      step("git", { action: "checkout-paths", paths: [] }),
      ["paths"],
      "name at least one path",
    ],
    [
      "git path starting with ..",
      step("git", { action: "checkout-paths", paths: ["../secrets"] }),
      ["paths", 0],
      "must stay inside the repo",
    ],
    [
      "git path climbing out in the middle",
      step("git", { action: "checkout-paths", paths: ["src", "src/../../etc"] }),
      ["paths", 1],
      "must stay inside the repo",
    ],
    [
      "git path with a space",
      step("git", { action: "checkout-paths", paths: ["src/my queues"] }),
      ["paths", 0],
      "a path inside the repo",
    ],
    ["git ref with a space", step("git", { ref: "v1.0.0 main" }), ["ref"], "a tag, branch or sha"],
    ["git ref with ;", step("git", { ref: "v1.0.0;reboot" }), ["ref"], "a tag, branch or sha"],
    ["git ref with $( )", step("git", { ref: "$(reboot)" }), ["ref"], "a tag, branch or sha"],
    ["git ref with backticks", step("git", { ref: "`reboot`" }), ["ref"], "a tag, branch or sha"],
    ["git relative repoPath", step("git", { repoPath: "repo" }), ["repoPath"], "an absolute path"],
    ["git unknown action", step("git", { action: "reset" }), ["action"], "expected one of"],
    // queue
    ["queue with no queues", step("queue", { queues: [] }), ["queues"], "name at least one queue"],
    ["queue name with a space", step("queue", { queues: ["ai analysis"] }), ["queues", 0], "a queue name"],
    ["queue name with ;", step("queue", { queues: ["ai-analysis", "x;FLUSHALL"] }), ["queues", 1], "a queue name"],
    ["queue unknown action", step("queue", { action: "obliterate" }), ["action"], "expected one of"],
    [
      "queue with http:// Redis URL",
      step("queue", { redisUrl: "http://127.0.0.1:6379" }),
      ["redisUrl"],
      "a redis:// URL",
    ],
    ["queue with empty prefix", step("queue", { prefix: "" }), ["prefix"], ">=1 characters"],
    // cache
    [
      "cache delete-pattern without pattern",
      step("cache", { action: "delete-pattern" }),
      ["pattern"],
      "required for delete-pattern",
    ],
    [
      "cache pattern * alone",
      step("cache", { action: "delete-pattern", pattern: "*" }),
      ["pattern"],
      "use the flush action instead",
    ],
    [
      "cache pattern ** alone",
      step("cache", { action: "delete-pattern", pattern: "**" }),
      ["pattern"],
      "use the flush action instead",
    ],
    [
      "cache pattern with a space",
      step("cache", { action: "delete-pattern", pattern: "gemini: *" }),
      ["pattern"],
      "a Redis glob",
    ],
    [
      "cache pattern with a quote",
      step("cache", { action: "delete-pattern", pattern: "gemini:'*'" }),
      ["pattern"],
      "a Redis glob",
    ],
    ["cache warm without warmUrl", step("cache", { action: "warm" }), ["warmUrl"], "required for warm"],
    [
      "cache warm with file:// URL",
      step("cache", { action: "warm", warmUrl: "file:///etc/passwd" }),
      ["warmUrl"],
      "an http(s):// URL",
    ],
    ["cache unknown action", step("cache", { action: "flushall" }), ["action"], "expected one of"],
    ["cache with postgres URL", step("cache", { redisUrl: PG }), ["redisUrl"], "a redis:// URL"],
    // postgres
    ["postgres backup without backupDir", step("postgres", {}, ["backupDir"]), ["backupDir"], "required for backup"],
    [
      "postgres backup to a relative dir",
      step("postgres", { backupDir: "backups" }),
      ["backupDir"],
      "an absolute path",
    ],
    [
      "postgres backup label with uppercase",
      step("postgres", { backupLabel: "Before" }),
      ["backupLabel"],
      "must match pattern",
    ],
    ["postgres keep 0 backups", step("postgres", { keep: 0 }), ["keep"], ">=1"],
    [
      "postgres with mysql URL",
      step("postgres", { databaseUrl: "mysql://root@127.0.0.1/app" }),
      ["databaseUrl"],
      "a postgresql:// URL",
    ],
    [
      "postgres restore without file",
      step("postgres", { action: "restore" }, ["backupDir"]),
      ["file"],
      "required for restore",
    ],
    [
      "postgres restore from a relative file",
      step("postgres", { action: "restore", file: "backup.sql.gz" }, ["backupDir"]),
      ["file"],
      "an absolute path",
    ],
    [
      "postgres run-sql-file without file",
      step("postgres", { action: "run-sql-file" }, ["backupDir"]),
      ["file"],
      "required for run-sql-file",
    ],
    [
      "postgres verify without queries",
      step("postgres", { action: "verify" }, ["backupDir"]),
      ["queries"],
      "required for verify",
    ],
    [
      "postgres verify query with extra key",
      step("postgres", { action: "verify", queries: [{ name: "n", sql: "SELECT 1", db: "x" }] }, ["backupDir"]),
      ["queries", 0],
      'Unrecognized key: "db"',
    ],
    [
      "postgres restore-records without file",
      step("postgres", { action: "restore-records", table: "projects", ids: [1] }, ["backupDir"]),
      ["file"],
      "required for restore-records",
    ],
    [
      "postgres restore-records without table",
      step("postgres", { action: "restore-records", file: "/srv/b.sql.gz", ids: [1] }, ["backupDir"]),
      ["table"],
      "required for restore-records",
    ],
    [
      "postgres restore-records without ids",
      step("postgres", { action: "restore-records", file: "/srv/b.sql.gz", table: "projects" }, ["backupDir"]),
      ["ids"],
      "required for restore-records",
    ],
    [
      "postgres table with uppercase",
      step("postgres", { action: "restore-records", file: "/srv/b.sql.gz", table: "Projects", ids: [1] }, [
        "backupDir",
      ]),
      ["table"],
      "a lowercase SQL identifier",
    ],
    [
      "postgres table with ;",
      step(
        "postgres",
        { action: "restore-records", file: "/srv/b.sql.gz", table: "projects;drop table scenes", ids: [1] },
        ["backupDir"],
      ),
      ["table"],
      "a lowercase SQL identifier",
    ],
    [
      "postgres table starting with a digit",
      step("postgres", { action: "restore-records", file: "/srv/b.sql.gz", table: "1projects", ids: [1] }, [
        "backupDir",
      ]),
      ["table"],
      "a lowercase SQL identifier",
    ],
    [
      "postgres id with a quote",
      step(
        "postgres",
        { action: "restore-records", file: "/srv/b.sql.gz", table: "projects", ids: [1, "1' OR '1'='1"] },
        ["backupDir"],
      ),
      ["ids", 1],
      "must match pattern",
    ],
    [
      "postgres fractional id",
      step("postgres", { action: "restore-records", file: "/srv/b.sql.gz", table: "projects", ids: [1.5] }, [
        "backupDir",
      ]),
      ["ids", 0],
      "Invalid input",
    ],
    ["postgres unknown action", step("postgres", { action: "drop" }), ["action"], "expected one of"],
    // wait
    ["wait with negative ms", step("wait", { ms: -1 }), ["ms"], ">=0"],
    ["wait with fractional ms", step("wait", { ms: 1.5 }), ["ms"], "expected int"],
    ["wait over an hour", step("wait", { ms: 3_600_001 }), ["ms"], "<=3600000"],
    ["wait without ms", step("wait", {}, ["ms"]), ["ms"], "expected number"],
    // health-gate
    ["health-gate with a path for URL", step("health-gate", { url: "/health" }), ["url"], "Invalid URL"],
    [
      "health-gate with ftp:// URL",
      step("health-gate", { url: "ftp://127.0.0.1/health" }),
      ["url"],
      "an http(s):// URL",
    ],
    ["health-gate polling every 10 ms", step("health-gate", { intervalMs: 10 }), ["intervalMs"], ">=50"],
    ["health-gate needing 0 successes", step("health-gate", { successes: 0 }), ["successes"], ">=1"],
    [
      "health-gate expecting a list of statuses",
      step("health-gate", { expectStatus: [200] }),
      ["expectStatus"],
      "expected number",
    ],
    // approval-gate
    ["approval-gate without prompt", step("approval-gate", {}, ["prompt"]), ["prompt"], "expected string"],
    ["approval-gate with empty prompt", step("approval-gate", { prompt: "" }), ["prompt"], ">=1 characters"],
    // the discriminator
    ["unknown kind", step("wait", { kind: "ssh" }), ["kind"], "Invalid discriminator value"],
    ["no kind", step("wait", {}, ["kind"]), ["kind"], "Invalid discriminator value"],
  ];

  it.each(cases)("%s", (_label, input, path, message) => {
    const r = stepSpec.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => ({ path: i.path, message: i.message }))).toContainEqual({
      path,
      message: expect.stringContaining(message),
    });
  });

  // Schemas are strict: a misspelt or smuggled field is an error, never silently dropped.
  it.each(STEP_KINDS.map((k) => [k]))("%s with an unknown property is rejected", (kind) => {
    const r = stepSpec.safeParse(step(kind, { shell: true }));
    expect(r.success).toBe(false);
    expect(r.error?.issues).toContainEqual(expect.objectContaining({ path: [], message: 'Unrecognized key: "shell"' }));
  });
});
