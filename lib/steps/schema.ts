import { z } from "zod";

// Every step kind's arguments, fully resolved: what the worker executes is exactly what a dry run shows.

const argv = z.array(z.string().min(1, "argv entries must not be empty")).min(1, "argv needs at least the program");
const ms = z.number().int().min(0);
const redisUrl = z.string().regex(/^rediss?:\/\//, "a redis:// URL");
const pgUrl = z.string().regex(/^postgres(ql)?:\/\//, "a postgresql:// URL");
const httpUrl = z
  .string()
  .url()
  .regex(/^https?:\/\//, "an http(s):// URL");
const absPath = z.string().startsWith("/", "an absolute path");
// SCAN MATCH globs: no spaces or quotes; must not be a bare "*" (use the flush action for that).
const keyPattern = z
  .string()
  .regex(/^[A-Za-z0-9:_.\-*?[\]{}]+$/, "a Redis glob such as gemini:* (letters, digits, : _ . - * ?)")
  .refine((p) => p.replace(/\*/g, "") !== "", "a bare * matches every key; use the flush action instead");
const queueName = z.string().regex(/^[a-zA-Z0-9._-]+$/, "a queue name (letters, digits, . _ -)");
const sqlIdent = z.string().regex(/^[a-z_][a-z0-9_]*$/, "a lowercase SQL identifier");

const common = {
  key: z.string().regex(/^[a-z0-9-]+$/, "lowercase letters, digits and dashes"),
  name: z.string().min(1),
  // plan: only steps that are safe to repeat are retried (and re-run after a crash).
  isIdempotent: z.boolean().default(false),
  retries: z.number().int().min(0).max(10).default(0),
  retryDelayMs: ms.default(500),
  timeoutMs: z.number().int().min(100).max(3_600_000).default(300_000),
  // plan §11.1: `curl ... pause-all || echo "Warning"`: a failure is recorded, the run goes on.
  allowFailure: z.boolean().default(false),
};

export const shellStep = z
  .object({
    ...common,
    kind: z.literal("shell"),
    argv,
    cwd: absPath,
    env: z.record(z.string(), z.string()).default({}),
    expectExitCodes: z.array(z.number().int()).default([0]),
  })
  .strict();

export const httpStep = z
  .object({
    ...common,
    kind: z.literal("http"),
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]),
    url: httpUrl,
    expectStatus: z.array(z.number().int().min(100).max(599)).min(1).default([200]),
    body: z.unknown().optional(),
  })
  .strict();

export const gitStep = z
  .object({
    ...common,
    kind: z.literal("git"),
    repoPath: absPath,
    action: z.enum(["fetch", "checkout", "checkout-paths", "rev-parse", "log"]),
    // Never starting with "-", so a ref can not be read as a git option.
    ref: z
      .string()
      .regex(/^[A-Za-z0-9._\/][A-Za-z0-9._\/-]*$/, "a tag, branch or sha (not starting with -)")
      .optional(),
    paths: z
      .array(
        z
          .string()
          .regex(/^[A-Za-z0-9._\/-]+$/, "a path inside the repo")
          .refine((p) => !p.split("/").includes(".."), "must stay inside the repo"),
      )
      .optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.action === "checkout" || s.action === "checkout-paths") && !s.ref)
      ctx.addIssue({ code: "custom", path: ["ref"], message: `required for ${s.action}` });
    if (s.action === "checkout-paths" && !s.paths?.length)
      ctx.addIssue({ code: "custom", path: ["paths"], message: "name at least one path" });
  });

export const queueStep = z
  .object({
    ...common,
    kind: z.literal("queue"),
    redisUrl,
    prefix: z.string().min(1),
    queues: z.array(queueName).min(1, "name at least one queue"),
    // close: let active jobs finish (wait for active = 0) — plan §4.2 step 2 "drain active jobs".
    action: z.enum(["pause", "resume", "clean-failed", "wait-idle", "stats"]),
  })
  .strict();

export const cacheStep = z
  .object({
    ...common,
    kind: z.literal("cache"),
    redisUrl,
    action: z.enum(["flush", "delete-pattern", "ping", "warm"]),
    pattern: keyPattern.optional(),
    warmUrl: httpUrl.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.action === "delete-pattern" && !s.pattern)
      ctx.addIssue({ code: "custom", path: ["pattern"], message: "required for delete-pattern" });
    if (s.action === "warm" && !s.warmUrl)
      ctx.addIssue({ code: "custom", path: ["warmUrl"], message: "required for warm" });
  });

export const postgresStep = z
  .object({
    ...common,
    kind: z.literal("postgres"),
    databaseUrl: pgUrl,
    action: z.enum(["backup", "run-sql-file", "restore", "verify", "restore-records"]),
    backupDir: absPath.optional(),
    backupLabel: z
      .string()
      .regex(/^[a-z0-9_]+$/)
      .optional(),
    keep: z.number().int().min(1).optional(),
    // Backup names retention must not delete (the ones a later step restores from).
    protect: z.array(z.string().regex(/^[A-Za-z0-9_.-]+$/)).optional(),
    file: absPath.optional(),
    // run-sql-file from a release's tree instead of a file on disk (git show <ref>:<path>).
    fromRelease: z
      .object({
        repoPath: absPath,
        ref: z.string().regex(/^[A-Za-z0-9._\/-]+$/),
        path: z.string().regex(/^[A-Za-z0-9._\/-]+$/),
      })
      .strict()
      .optional(),
    queries: z.array(z.object({ name: z.string(), sql: z.string() }).strict()).optional(),
    table: sqlIdent.optional(),
    ids: z.array(z.union([z.number().int(), z.string().regex(/^[A-Za-z0-9_-]+$/)])).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const need = (field: keyof typeof s, why: string) => {
      if (s[field] === undefined) ctx.addIssue({ code: "custom", path: [field], message: `required for ${why}` });
    };
    if (s.action === "backup") need("backupDir", "backup");
    if (s.action === "restore" || (s.action === "run-sql-file" && !s.fromRelease)) need("file", s.action);
    if (s.action === "verify") need("queries", "verify");
    if (s.action === "restore-records") {
      need("file", "restore-records");
      need("table", "restore-records");
      need("ids", "restore-records");
    }
  });

// Point-in-time recovery (issue 17): a copy restored beside the live cluster, the two compared, and
// the copy swapped in for the live data folder (or, to undo, the replaced folder swapped back).
const dataDir = absPath.refine((p) => !p.split("/").includes(".."), "no .. in the path");
export const pitrStep = z
  .object({
    ...common,
    kind: z.literal("pitr"),
    action: z.enum(["restore-beside", "compare", "swap"]),
    liveUrl: pgUrl,
    // restore-beside
    archiveDir: absPath.optional(),
    baseBackupsDir: absPath.optional(),
    backup: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/)
      .optional(),
    at: z.iso.datetime({ offset: true }).optional(),
    copyDir: dataDir.optional(),
    copyPort: z.number().int().min(1).max(65535).optional(),
    // compare
    copyUrl: pgUrl.optional(),
    tables: z.array(sqlIdent).optional(),
    queries: z.array(z.object({ name: z.string(), sql: z.string() }).strict()).optional(),
    // restore-beside: the live `dataDir` (copies go beside it); swap: `incoming` becomes the live
    // `dataDir`, and what was live is kept as `keepAs`.
    dataDir: dataDir.optional(),
    incoming: dataDir.optional(),
    keepAs: dataDir.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const need = (fields: (keyof typeof s)[]) => {
      for (const f of fields)
        if (s[f] === undefined) ctx.addIssue({ code: "custom", path: [f], message: `required for ${s.action}` });
    };
    if (s.action === "restore-beside")
      need(["archiveDir", "baseBackupsDir", "backup", "at", "dataDir", "copyDir", "copyPort"]);
    if (s.action === "compare") need(["copyUrl", "tables", "queries"]);
    if (s.action === "swap") need(["dataDir", "incoming", "keepAs"]);
  });

export const waitStep = z.object({ ...common, kind: z.literal("wait"), ms: ms.max(3_600_000) }).strict();

export const healthGateStep = z
  .object({
    ...common,
    kind: z.literal("health-gate"),
    url: httpUrl,
    intervalMs: z.number().int().min(50).default(1000),
    expectStatus: z.number().int().default(200),
    // Consecutive healthy answers needed to pass.
    successes: z.number().int().min(1).default(2),
  })
  .strict();

export const approvalGateStep = z
  .object({ ...common, kind: z.literal("approval-gate"), prompt: z.string().min(1) })
  .strict();

export const stepSpec = z.discriminatedUnion("kind", [
  shellStep,
  httpStep,
  gitStep,
  queueStep,
  cacheStep,
  postgresStep,
  pitrStep,
  waitStep,
  healthGateStep,
  approvalGateStep,
]);

export type StepSpec = z.infer<typeof stepSpec>;
export type StepSpecInput = z.input<typeof stepSpec>;
export type StepKind = StepSpec["kind"];
export type StepOf<K extends StepKind> = Extract<StepSpec, { kind: K }>;
export const STEP_KINDS = [
  "shell",
  "http",
  "git",
  "queue",
  "cache",
  "postgres",
  "pitr",
  "wait",
  "health-gate",
  "approval-gate",
] as const satisfies readonly StepKind[];
