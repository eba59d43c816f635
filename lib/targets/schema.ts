import { z } from "zod";

const argvHint = 'an argv array such as ["npm", "run", "build"] (no shell string)';
const argv = z.array(z.string().min(1), { error: argvHint }).min(1, argvHint);

const url = z.string().url("an absolute URL such as http://127.0.0.1:3101");
const absPath = z.string().startsWith("/", "an absolute path such as /srv/app");
const queueName = z.string().regex(/^[a-zA-Z0-9._-]+$/, "letters, digits, dot, dash, underscore");

/** A runner pool's name: lower-case letters, digits and dashes (it names a BullMQ queue). */
export const poolName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a pool name: lower-case letters, digits and dashes, e.g. "eu-west"');

export const targetSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "lowercase letters, digits and dashes, e.g. demo"),
    description: z.string().default(""),
    repoPath: absPath,
    // Which git tags count as releases a request may choose.
    releasePattern: z.string().default("^v\\d+\\.\\d+\\.\\d+$"),
    env: z.record(z.string(), z.string()).default({}),
    commands: z
      .object({
        install: argv,
        build: argv,
        migrate: argv.optional(),
        restart: argv,
        stopWorkers: argv.optional(),
        restartWorkers: argv.optional(),
        smokeTest: argv.optional(),
      })
      .strict(),
    http: z
      .object({
        baseUrl: url,
        healthPath: z.string().startsWith("/").default("/health"),
        versionPath: z.string().startsWith("/").default("/api/version"),
        cacheWarmPath: z.string().startsWith("/").optional(),
        maintenanceEnablePath: z.string().startsWith("/").optional(),
        maintenanceDisablePath: z.string().startsWith("/").optional(),
        // What the sampler times (GET) for response time p95 (plan §6.2 "Monitor response times").
        probePath: z.string().startsWith("/").default("/api/projects"),
      })
      .strict(),
    // Paths inside the repo that hold the queue code (plan §4.2: checkout -- backend/src/queues/).
    queuePaths: z.array(z.string().min(1)).default([]),
    redis: z
      .object({
        url: z.string().regex(/^rediss?:\/\//, "a redis:// URL such as redis://127.0.0.1:6379/1"),
        queuePrefix: z.string().default("bull"),
        queues: z.array(queueName).default([]),
        cachePatterns: z.array(z.string().min(1)).default([]),
        // Per-entity cache keys for gradual invalidation (plan §4.3), "{id}" is the entity id.
        entityKeys: z
          .partialRecord(
            z.enum(["project", "analysis"]),
            z.string().includes("{id}", { message: 'a key template containing "{id}"' }),
          )
          .default({}),
      })
      .strict(),
    postgres: z
      .object({
        url: z.string().regex(/^postgres(ql)?:\/\//, "a postgresql:// URL"),
        backupDir: absPath,
        keepBackups: z.number().int().min(1).max(1000).default(10),
        migrationsDir: absPath.optional(),
        // Which migrations the database has applied, newest first: one row each with a "name" column
        // (the file name without .up.sql). What a schema rollback may undo is read from here.
        appliedMigrationsSql: z
          .string()
          .regex(/^\s*select\b/i, "a SELECT returning a name column, newest first")
          .optional(),
        verifyQueries: z.array(z.object({ name: z.string().min(1), sql: z.string().min(1) }).strict()).default([]),
        dataTables: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/)).default([]),
        // Test restores (issue 17): a runner of the target's pool restores its newest backup of each
        // kind where it cannot hurt and runs verifyQueries on it: as soon as a new one appears, and
        // again every testRestoreEveryHours. Checkpoint 1's "backup available" reads the result.
        testRestoreEveryHours: z
          .number()
          .min(0.1)
          .max(24 * 30)
          .default(24),
        // Point-in-time recovery (issue 17, plan §5.1 method 3): the folder archive_command copies WAL
        // segments into, the one Backout's base backups (pg_basebackup) go into, and the live
        // cluster's data folder (Backout stops and starts it with pg_ctl to swap a restored copy in).
        // A copy is restored beside it, in a folder next to it, on copyPort (default: its port + 1).
        pitr: z
          .object({
            archiveDir: absPath,
            baseBackupsDir: absPath,
            dataDir: absPath,
            copyPort: z.number().int().min(1).max(65535).optional(),
            // A new base backup (pg_basebackup) every this many hours, and after a swap (a new
            // timeline); the newest keepBaseBackups are kept.
            takeBaseBackups: z.boolean().default(true),
            baseBackupEveryHours: z
              .number()
              .min(0.1)
              .max(24 * 30)
              .default(24),
            keepBaseBackups: z.number().int().min(1).max(100).default(3),
            // A replaced data folder is removed once the target has no open incident and one was
            // resolved after the swap, or this many hours after the swap when none was open.
            keepReplacedHours: z
              .number()
              .min(0.1)
              .max(24 * 90)
              .default(24),
          })
          .strict()
          .optional(),
      })
      .strict(),
    logFile: absPath,
    // A high-risk gate (a database restore, a schema rollback) needs a second person to approve it;
    // a one-person team may let the one who started the run approve it too (the timeline says so).
    allowSoloApproval: z.boolean().default(false),
    // The runner pool that can act on this target (issue 12): only runners started with
    // \`npm run worker -- --pool NAME\` for it take its runs. "local": the runners beside Backout.
    runnerPool: poolName.default("local"),
    // Watch and act (issue 16): each deploy is watched for watchMinutes and judged against the
    // target's readings of the baselineMinutes before it. When one fails: "off" says so; "propose"
    // opens an incident for a person to roll back from; "act" rolls back to the release before by
    // itself once vetoSeconds pass without a veto.
    autopilot: z
      .object({
        policy: z.enum(["off", "propose", "act"]).default("off"),
        watchMinutes: z.number().min(0.1).max(120).default(5),
        baselineMinutes: z.number().min(0.1).max(120).default(10),
        vetoSeconds: z.number().int().min(0).max(3600).default(15),
        // GitHub deployment environments that are this target (POST /api/deploys/github).
        githubEnvironments: z.array(z.string().min(1).max(100)).default([]),
      })
      .strict()
      .default({ policy: "off", watchMinutes: 5, baselineMinutes: 10, vetoSeconds: 15, githubEnvironments: [] }),
    // Marked for rehearsal: drills may run against it (issue 10). badRelease is what "break it first"
    // deploys (the demo's v1.1.0, which fails ~20% of API requests).
    rehearsal: z
      .object({ badRelease: z.string().min(1).optional() })
      .strict()
      .optional(),
    // How the public status page names this target (its configuration name is never shown there).
    public: z
      .object({
        name: z.string().min(1).max(80),
        description: z.string().max(300).optional(),
        isListed: z.boolean().default(true),
      })
      .strict()
      .optional(),
    // Configured baselines win over the ones learnt from the healthy period (plan §2 "2x baseline").
    baseline: z
      .object({
        responseTimeP95Ms: z.number().positive().optional(),
        errorRate: z.number().min(0).optional(),
        dbQueryMs: z.number().positive().optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export const targetsFileSchema = z
  .object({
    $comment: z.string().optional(),
    defaultTarget: z.string().min(1),
    targets: z.array(targetSchema).min(1, "at least one target"),
  })
  .strict()
  .superRefine((file, ctx) => {
    const names = new Set<string>();
    file.targets.forEach((t, i) => {
      if (names.has(t.name))
        ctx.addIssue({ code: "custom", path: ["targets", i, "name"], message: `duplicate target name "${t.name}"` });
      names.add(t.name);
    });
    if (!names.has(file.defaultTarget))
      ctx.addIssue({
        code: "custom",
        path: ["defaultTarget"],
        message: `names no target; expected one of: ${[...names].join(", ")}`,
      });
  });

export type Target = z.infer<typeof targetSchema>;
export type TargetsFile = z.infer<typeof targetsFileSchema>;
