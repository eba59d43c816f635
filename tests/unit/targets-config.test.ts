import { describe, expect, it } from "vitest";
import { parseTargetsFile, TargetsConfigError } from "@/lib/targets/load-targets";
import { readTargetsJson, targetsJsonData, VARS } from "./fixtures";
import { describeTarget, withoutPassword } from "@/lib/targets/describe";

type Json = Record<string, any>;

/** Parses the real targets.json after `edit` changed it. */
function parseEdited(edit: (json: Json) => void, vars: Record<string, string> = VARS) {
  const json = targetsJsonData();
  edit(json);
  return parseTargetsFile(JSON.stringify(json), "targets.json", vars);
}

/** The TargetsConfigError `fn` throws; fails the test if it throws something else or nothing. */
function configError(fn: () => unknown): TargetsConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(TargetsConfigError);
  return caught as TargetsConfigError;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("parseTargetsFile: the real targets.json", () => {
  const file = parseTargetsFile(readTargetsJson(), "targets.json", VARS);
  const demo = file.targets[0]!;

  it("has the demo target as its default", () => {
    expect(file.defaultTarget).toBe("demo");
    expect(file.targets.map((t) => t.name)).toEqual(["demo"]);
  });

  it("interpolates every ${NAME} outside $comment", () => {
    expect(JSON.stringify(file.targets)).not.toContain("${");
    expect(demo.repoPath).toBe("/srv/data/demo/repo");
    expect(demo.env).toEqual({
      PM2_HOME: "/srv/data/demo/pm2",
      DEMO_PORT: "3101",
      DEMO_DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/backout_demo",
      DEMO_REDIS_URL: "redis://127.0.0.1:6379/1",
      DEMO_LOG_FILE: "/srv/data/demo/app.log",
    });
    expect(demo.commands.restart).toEqual(["/srv/backout/node_modules/.bin/pm2", "restart", "all", "--update-env"]);
    expect(demo.http.baseUrl).toBe("http://127.0.0.1:3101");
    expect(demo.redis.url).toBe("redis://127.0.0.1:6379/1");
    expect(demo.postgres).toMatchObject({
      url: "postgresql://postgres@127.0.0.1:5432/backout_demo",
      backupDir: "/srv/data/demo/backups",
      migrationsDir: "/srv/data/demo/repo/migrations",
      keepBackups: 10,
    });
  });

  it("leaves $comment as written (it documents the ${NAME} syntax)", () => {
    expect(file.$comment).toContain("${NAME}");
  });
});

describe("parseTargetsFile: ${NAME} interpolation", () => {
  const cases: [
    label: string,
    edit: (json: Json) => void,
    read: (t: Json) => unknown,
    expected: unknown,
    vars?: Record<string, string>,
  ][] = [
    ["a whole path", (j) => void (j.targets[0].repoPath = "${HOME}/apps/demo"), (t) => t.repoPath, "/root/apps/demo"],
    [
      "two names in one string",
      (j) => void (j.targets[0].env.BOTH = "${DEMO_PORT}:${DEMO_PORT}"),
      (t) => t.env.BOTH,
      "3101:3101",
    ],
    [
      "array elements",
      (j) => void (j.targets[0].commands.build = ["${BACKOUT_ROOT}/bin/build", "--out=${BACKOUT_DATA_DIR}/out"]),
      (t) => t.commands.build,
      ["/srv/backout/bin/build", "--out=/srv/data/out"],
    ],
    ["$NAME without braces is left alone", (j) => void (j.targets[0].env.RAW = "$HOME"), (t) => t.env.RAW, "$HOME"],
    [
      "a value with $& is inserted literally",
      (j) => void (j.targets[0].repoPath = "${HOME}/x"),
      (t) => t.repoPath,
      "/home/a$&b/x",
      { ...VARS, HOME: "/home/a$&b" },
    ],
    [
      "a value that looks like ${NAME} is not expanded again",
      (j) => void (j.targets[0].env.NESTED = "${HOME}"),
      (t) => t.env.NESTED,
      "${DEMO_PORT}",
      { ...VARS, HOME: "${DEMO_PORT}" },
    ],
  ];

  it.each(cases)("%s", (_label, edit, read, expected, vars) => {
    expect(read(parseEdited(edit, vars).targets[0] as Json)).toEqual(expected);
  });

  const unknown: [label: string, edit: (json: Json) => void, path: string][] = [
    ["in a path", (j) => void (j.targets[0].repoPath = "${NOPE}/repo"), "targets[0].repoPath"],
    [
      "in an argv element",
      (j) => void (j.targets[0].commands.build = ["npm", "${NOPE}"]),
      "targets[0].commands.build[1]",
    ],
    ["in an env value", (j) => void (j.targets[0].env.SECRET = "${NOPE}"), "targets[0].env.SECRET"],
    ["in a nested object", (j) => void (j.targets[0].redis.url = "redis://${NOPE}:6379/1"), "targets[0].redis.url"],
  ];

  it.each(unknown)("an unknown variable %s names its path and the variable", (_label, edit, path) => {
    const err = configError(() => parseEdited(edit));
    expect(err.message).toContain(`${path}: unknown variable \${NOPE}`);
    expect(err.message).toContain(
      "known: BACKOUT_ROOT, BACKOUT_DATA_DIR, DEMO_PORT, DEMO_DATABASE_URL, DEMO_REDIS_URL, DEMO_PG_DIR, HOME",
    );
  });

  it("an unknown variable inside $comment is not an error", () => {
    expect(parseEdited((j) => void (j.$comment = "uses ${NOPE}")).$comment).toBe("uses ${NOPE}");
  });
});

describe("parseTargetsFile: invalid files name the bad field and what is expected", () => {
  it("rejects text that is not JSON, naming the file", () => {
    const err = configError(() => parseTargetsFile('{ "targets": [', "/etc/backout/targets.json", VARS));
    expect(err.message).toMatch(/^\/etc\/backout\/targets\.json: not valid JSON \(/);
  });

  const cases: [
    label: string,
    edit: (json: Json) => void,
    path: string,
    expected: string,
    vars?: Record<string, string>,
  ][] = [
    [
      "commands.build not an array",
      (j) => void (j.targets[0].commands.build = "npm run build"),
      "targets.0 (demo).commands.build",
      'an argv array such as ["npm", "run", "build"] (no shell string)',
    ],
    [
      "commands.build empty",
      (j) => void (j.targets[0].commands.build = []),
      "targets.0 (demo).commands.build",
      'an argv array such as ["npm", "run", "build"]',
    ],
    [
      "commands.install missing",
      (j) => void delete j.targets[0].commands.install,
      "targets.0 (demo).commands.install",
      "an argv array",
    ],
    [
      "http.baseUrl not a URL",
      (j) => void (j.targets[0].http.baseUrl = "not a url"),
      "targets.0 (demo).http.baseUrl",
      "an absolute URL such as http://127.0.0.1:3101",
    ],
    [
      "http.healthPath relative",
      (j) => void (j.targets[0].http.healthPath = "health"),
      "targets.0 (demo).http.healthPath",
      'must start with "/"',
    ],
    [
      "repoPath relative",
      (j) => void (j.targets[0].repoPath = "demo/repo"),
      "targets.0 (demo).repoPath",
      "an absolute path such as /srv/app",
    ],
    ["logFile missing", (j) => void delete j.targets[0].logFile, "targets.0 (demo).logFile", "expected string"],
    [
      "redis.url not redis://",
      (j) => void (j.targets[0].redis.url = "http://127.0.0.1:6379/1"),
      "targets.0 (demo).redis.url",
      "a redis:// URL such as redis://127.0.0.1:6379/1",
    ],
    [
      "redis.url from a variable that is not redis://",
      () => {},
      "targets.0 (demo).redis.url",
      "a redis:// URL",
      { ...VARS, DEMO_REDIS_URL: "http://127.0.0.1:6379/1" },
    ],
    [
      "redis queue name with a space",
      (j) => void (j.targets[0].redis.queues = ["ai analysis"]),
      "targets.0 (demo).redis.queues.0",
      "letters, digits, dot, dash, underscore",
    ],
    [
      "redis entity key without {id}",
      (j) => void (j.targets[0].redis.entityKeys.project = "gemini:project"),
      "targets.0 (demo).redis.entityKeys.project",
      'a key template containing "{id}"',
    ],
    [
      "postgres.keepBackups 0",
      (j) => void (j.targets[0].postgres.keepBackups = 0),
      "targets.0 (demo).postgres.keepBackups",
      ">=1",
    ],
    [
      "postgres.url not postgresql://",
      (j) => void (j.targets[0].postgres.url = "mysql://root@127.0.0.1/demo"),
      "targets.0 (demo).postgres.url",
      "a postgresql:// URL",
    ],
    [
      "postgres.backupDir relative",
      (j) => void (j.targets[0].postgres.backupDir = "backups"),
      "targets.0 (demo).postgres.backupDir",
      "an absolute path such as /srv/app",
    ],
    [
      "postgres verify query without sql",
      (j) => void delete j.targets[0].postgres.verifyQueries[0].sql,
      "targets.0 (demo).postgres.verifyQueries.0.sql",
      "expected string",
    ],
    [
      "postgres data table with uppercase",
      (j) => void (j.targets[0].postgres.dataTables = ["projects", "Scenes"]),
      "targets.0 (demo).postgres.dataTables.1",
      "must match pattern",
    ],
    [
      "target name with uppercase",
      (j) => void (j.targets[0].name = "Demo"),
      "targets.0 (Demo).name",
      "lowercase letters, digits and dashes, e.g. demo",
    ],
    [
      "duplicate target names",
      (j) => void j.targets.push(structuredClone(j.targets[0])),
      "targets.1 (demo).name",
      'duplicate target name "demo"',
    ],
    [
      "defaultTarget naming no target",
      (j) => void (j.defaultTarget = "prod"),
      "defaultTarget",
      "names no target; expected one of: demo",
    ],
    ["no targets", (j) => void (j.targets = []), "targets", "at least one target"],
    [
      "unknown key on a target",
      (j) => void (j.targets[0].sshKey = "~/.ssh/id_rsa"),
      "targets.0 (demo)",
      'Unrecognized key: "sshKey"',
    ],
    [
      "unknown key in commands",
      (j) => void (j.targets[0].commands.deploy = ["vercel", "--prod"]),
      "targets.0 (demo).commands",
      'Unrecognized key: "deploy"',
    ],
    [
      "unknown key in postgres",
      (j) => void (j.targets[0].postgres.password = "hunter2"),
      "targets.0 (demo).postgres",
      'Unrecognized key: "password"',
    ],
    ["unknown top-level key", (j) => void (j.target = "demo"), "(file)", 'Unrecognized key: "target"'],
  ];

  it.each(cases)("%s", (_label, edit, path, expected, vars) => {
    const err = configError(() => parseEdited(edit, vars));
    const lines = err.message.split("\n");
    expect(lines[0]).toBe("targets.json is invalid:");
    expect(lines.map((l) => l.trim())).toContainEqual(
      expect.stringMatching(new RegExp(`^${escape(path)}: .*${escape(expected)}`)),
    );
  });

  it("rejects a releasePattern that is not a regular expression, naming the target and field", () => {
    const err = configError(() => parseEdited((j) => void (j.targets[0].releasePattern = "^v(\\d+$")));
    expect(err.message).toMatch(/^targets\.json: /);
    expect(err.message).toContain("demo");
    expect(err.message).toContain("releasePattern is not a valid regular expression");
  });
});

describe("describeTarget: what an admin sees of a target, without its secrets", () => {
  it.each([
    ["postgresql://app:s3cret@db.internal:5432/app", "postgresql://app:****@db.internal:5432/app"],
    ["redis://:hunter2@cache:6379/1", "redis://:****@cache:6379/1"],
    ["redis://127.0.0.1:6379/1", "redis://127.0.0.1:6379/1"],
    ["postgresql://postgres@127.0.0.1:5432/demo", "postgresql://postgres@127.0.0.1:5432/demo"],
  ])("%s → %s", (url, shown) => {
    expect(withoutPassword(url)).toBe(shown);
  });

  it("shows commands, paths and queues, and only the names of the target's environment", () => {
    const file = parseTargetsFile(readTargetsJson(), "targets.json", {
      ...VARS,
      DEMO_DATABASE_URL: "postgresql://demo:pg-secret@127.0.0.1:5432/demo",
      DEMO_REDIS_URL: "redis://:redis-secret@127.0.0.1:6379/1",
    });
    const target = file.targets[0]!;
    const shown = describeTarget({
      ...target,
      commands: { ...target.commands, migrate: ["psql", "postgresql://app:cmd-secret@db:5432/app", "-f", "up.sql"] },
    });
    const text = JSON.stringify(shown);
    expect(text).not.toContain("cmd-secret");
    expect(shown.commands.migrate).toBe("psql postgresql://app:***@db:5432/app -f up.sql");
    expect(text).not.toContain("pg-secret");
    expect(text).not.toContain("redis-secret");
    expect(shown.commands.restart).toMatch(/pm2 restart all/);
    expect(shown.redis.queues).toEqual(["ai-analysis", "document-processing"]);
    expect(shown.envKeys).toContain("DEMO_DATABASE_URL");
  });
});
