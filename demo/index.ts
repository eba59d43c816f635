/**
 * Control module for the Backout demo target: a small service (API + queue
 * worker under pm2) kept in its own git repository with four releases:
 * v1.0.0 (healthy), v1.1.0 (fails ~20% of API requests), v1.2.0 (healthy,
 * adds a message of the day) and v1.3.0 (about 3x slower, no errors). The
 * last three are each built on v1.0.0. See demo/README.md.
 *
 * Every function takes an explicit DemoOptions object; nothing here reads
 * configuration from process.env. Child processes get a minimal environment:
 * PATH/HOME/locale passed through from this process plus demoEnv(o).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

export type DemoOptions = {
  repoPath: string;
  databaseUrl: string;
  redisUrl: string;
  port: number;
  pm2Home: string;
  logFile: string;
  pm2Bin: string;
};

export const DEMO_RELEASES = ["v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0"] as const;
export const DEMO_APPS = ["demo-api", "demo-worker"] as const;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TEMPLATE_V1_0 = path.join(HERE, "template");
const TEMPLATE_V1_1 = path.join(HERE, "template-v1.1.0");
const HEALTH_TIMEOUT_MS = 30_000;
const COMMAND_TIMEOUT_MS = 120_000;

/** The environment pm2 and the demo's npm scripts need. */
export function demoEnv(o: DemoOptions): Record<string, string> {
  return {
    PM2_HOME: o.pm2Home,
    DEMO_PORT: String(o.port),
    DEMO_DATABASE_URL: o.databaseUrl,
    DEMO_REDIS_URL: o.redisUrl,
    DEMO_LOG_FILE: o.logFile,
  };
}

// ---------------------------------------------------------------------------
// child processes

/** OS essentials only; npm_* / pm2 / test-runner variables are not inherited. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR"]) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  // Make sure `node`/`npm` resolve to the Node running us first.
  const nodeDir = path.dirname(process.execPath);
  env.PATH = env.PATH
    ? `${nodeDir}${path.delimiter}${env.PATH}`
    : `${nodeDir}${path.delimiter}/usr/local/bin:/usr/bin:/bin`;
  env.HOME ??= os.homedir();
  return env;
}

function childEnv(o: DemoOptions): Record<string, string> {
  return { ...baseEnv(), ...demoEnv(o) };
}

type RunResult = { stdout: string; stderr: string };

function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        cwd: opts.cwd,
        env: opts.env as NodeJS.ProcessEnv,
        timeout: opts.timeoutMs ?? COMMAND_TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
        encoding: "utf8",
      },
      (error, stdout, stderr) => {
        if (error) {
          const tail = `${stdout}\n${stderr}`.trim().split("\n").slice(-30).join("\n");
          reject(new Error(`\`${cmd} ${args.join(" ")}\` failed in ${opts.cwd}: ${error.message}\n${tail}`));
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
  });
}

function git(repo: string, args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
  return run("git", args, {
    cwd: repo,
    // Never let git walk up into an enclosing repository (e.g. /work/main).
    env: { ...baseEnv(), GIT_CEILING_DIRECTORIES: path.dirname(repo), ...extraEnv },
  });
}

function npm(o: DemoOptions, args: string[]): Promise<RunResult> {
  return run("npm", [...args], { cwd: path.resolve(o.repoPath), env: childEnv(o) });
}

function pm2(o: DemoOptions, args: string[]): Promise<RunResult> {
  return run(o.pm2Bin, args, { cwd: path.resolve(o.repoPath), env: childEnv(o), timeoutMs: 60_000 });
}

// ---------------------------------------------------------------------------
// repository

const AUTHOR = {
  GIT_AUTHOR_NAME: "Backout Demo",
  GIT_AUTHOR_EMAIL: "demo@backout.local",
  GIT_COMMITTER_NAME: "Backout Demo",
  GIT_COMMITTER_EMAIL: "demo@backout.local",
};
/** Fixed author, committer and tagger dates: every demo repository gets the same commits and tags. */
const at = (iso: string) => ({ ...AUTHOR, GIT_AUTHOR_DATE: iso, GIT_COMMITTER_DATE: iso });

type OverlayRelease = { tag: string; overlay: string; message: string; date: string };

/**
 * The releases added after v1.0.0 and v1.1.0: each its own commit on v1.0.0 (not on v1.1.0), made
 * from an overlay folder of the files that differ, and tagged. No branch points at them.
 */
const OVERLAY_RELEASES: readonly OverlayRelease[] = [
  {
    tag: "v1.2.0",
    overlay: path.join(HERE, "template-v1.2.0"),
    message: "Release 1.2.0: message of the day",
    date: "2025-01-20T10:00:00Z",
  },
  {
    tag: "v1.3.0",
    overlay: path.join(HERE, "template-v1.3.0"),
    message: "Release 1.3.0: audit trail for data requests",
    date: "2025-01-27T10:00:00Z",
  },
];
const BASE_RELEASE = "v1.0.0";
const NO_SIGN = ["-c", "commit.gpgSign=false", "-c", "tag.gpgSign=false"];

/** The DEMO_RELEASES tags the repository lacks; null when it is not a git repository. */
async function missingTags(repo: string): Promise<string[] | null> {
  if (!existsSync(path.join(repo, ".git"))) return null;
  try {
    const { stdout } = await git(repo, ["tag", "--list", ...DEMO_RELEASES]);
    const tags = new Set(stdout.split("\n").map((t) => t.trim()));
    return DEMO_RELEASES.filter((t) => !tags.has(t));
  } catch {
    return null;
  }
}

const isComplete = async (repo: string) => (await missingTags(repo))?.length === 0;

function withVersion(text: string, version: string): string {
  const json = JSON.parse(text);
  json.version = version;
  if (json.packages?.[""]) json.packages[""].version = version;
  return JSON.stringify(json, null, 2) + "\n";
}

async function setPackageVersion(dir: string, version: string): Promise<void> {
  for (const file of ["package.json", "package-lock.json"]) {
    const p = path.join(dir, file);
    await fs.writeFile(p, withVersion(await fs.readFile(p, "utf8"), version));
  }
}

const copyFilter = (src: string) => !/(^|[\\/])(node_modules|dist|\.git)$/.test(src);

/** Files under dir (paths relative to it, with `/`), skipping what copyFilter skips. */
async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (!copyFilter(path.join(dir, rel))) continue;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/**
 * Adds one overlay release: v1.0.0's tree with the overlay's files and the package version
 * replaced, committed with v1.0.0 as its parent, then the annotated tag. It writes objects and the
 * tag only, through a temporary index: the repository's checkout, index and branches are left as
 * they are. Nothing is visible until the tag is written (at most unreachable objects), so a failed
 * attempt is simply retried; a tag another caller wrote first counts as done.
 */
async function addOverlayRelease(repo: string, r: OverlayRelease): Promise<void> {
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), "backout-demo-release-"));
  const env = { ...at(r.date), GIT_INDEX_FILE: path.join(scratch, "index") };
  try {
    const files = new Map<string, string>(); // path in the tree → file holding its content
    for (const rel of await listFiles(r.overlay)) files.set(rel, path.join(r.overlay, rel));
    for (const name of ["package.json", "package-lock.json"]) {
      const { stdout } = await git(repo, ["cat-file", "blob", `${BASE_RELEASE}:${name}`]);
      const file = path.join(scratch, name);
      await fs.writeFile(file, withVersion(stdout, r.tag.replace(/^v/, "")));
      files.set(name, file);
    }
    await git(repo, ["read-tree", `${BASE_RELEASE}^{tree}`], env);
    for (const [rel, file] of files) {
      const blob = (await git(repo, ["hash-object", "-w", "--no-filters", "--", file])).stdout.trim();
      await git(repo, ["update-index", "--add", "--cacheinfo", `100644,${blob},${rel}`], env);
    }
    const tree = (await git(repo, ["write-tree"], env)).stdout.trim();
    const parent = `${BASE_RELEASE}^{commit}`;
    const commit = (await git(repo, [...NO_SIGN, "commit-tree", tree, "-p", parent, "-m", r.message], env)).stdout;
    await git(repo, [...NO_SIGN, "tag", "-a", r.tag, "-m", r.tag, commit.trim()], env);
  } catch (err) {
    if (!(await missingTags(repo))?.includes(r.tag)) return;
    throw err;
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Idempotent: creates the demo git repository (commits and tags DEMO_RELEASES: v1.0.0, v1.1.0 on
 * top of it on `main`, and v1.2.0 and v1.3.0 each on v1.0.0) and leaves it checked out (detached)
 * at v1.0.0. Does nothing if the repository already has every tag. A repository an older Backout
 * made, with v1.0.0 and v1.1.0 only, gains the missing releases in place, its checkout untouched.
 */
export async function ensureDemoRepo(o: DemoOptions): Promise<void> {
  const repo = path.resolve(o.repoPath);
  const missing = await missingTags(repo);
  if (missing?.length === 0) return;
  const overlayTags = OVERLAY_RELEASES.map((r) => r.tag);
  if (missing && missing.every((t) => overlayTags.includes(t))) {
    for (const r of OVERLAY_RELEASES) if (missing.includes(r.tag)) await addOverlayRelease(repo, r);
    return;
  }
  if (existsSync(repo)) {
    const entries = await fs.readdir(repo);
    if (entries.length > 0) {
      throw new Error(
        `ensureDemoRepo: ${repo} exists but is not a complete demo repository (needs tags ${DEMO_RELEASES.join(", ")}, or at least v1.0.0 and v1.1.0 to add the others to); remove it and retry`,
      );
    }
    await fs.rmdir(repo);
  }
  await fs.mkdir(path.dirname(repo), { recursive: true });

  // Build next to the target and rename into place, so a crash never leaves a
  // half-made repository behind and concurrent callers cannot collide.
  const tmp = `${repo}.tmp-${process.pid}-${Date.now()}`;
  try {
    await fs.cp(TEMPLATE_V1_0, tmp, { recursive: true, filter: copyFilter });
    await setPackageVersion(tmp, "1.0.0");
    await git(tmp, ["init", "--quiet", "--initial-branch=main"]);
    const localConfig: Array<[string, string]> = [
      ["user.name", "Backout Demo"],
      ["user.email", "demo@backout.local"],
      ["commit.gpgsign", "false"],
      ["tag.gpgsign", "false"],
      ["advice.detachedHead", "false"],
    ];
    for (const [key, value] of localConfig) {
      await git(tmp, ["config", key, value]);
    }
    await git(tmp, ["add", "--all"]);
    await git(tmp, ["commit", "--quiet", "-m", "Release 1.0.0"], at("2025-01-06T10:00:00Z"));
    await git(tmp, ["tag", "-a", "v1.0.0", "-m", "v1.0.0"], at("2025-01-06T10:00:00Z"));

    await fs.cp(TEMPLATE_V1_1, tmp, { recursive: true, filter: copyFilter });
    await setPackageVersion(tmp, "1.1.0");
    await git(tmp, ["add", "--all"]);
    await git(
      tmp,
      ["commit", "--quiet", "-m", "Release 1.1.0: priority-aware requests, projects.priority"],
      at("2025-01-13T10:00:00Z"),
    );
    await git(tmp, ["tag", "-a", "v1.1.0", "-m", "v1.1.0"], at("2025-01-13T10:00:00Z"));

    for (const r of OVERLAY_RELEASES) await addOverlayRelease(tmp, r);

    await git(tmp, ["checkout", "--quiet", "--detach", "v1.0.0"]);
    await fs.rename(tmp, repo);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    if (await isComplete(repo)) return; // somebody else won the race
    throw err;
  }
}

// ---------------------------------------------------------------------------
// database

const SEED: Array<{ name: string; scenes: string[] }> = [
  { name: "Spring Campaign Trailer", scenes: ["Cold open", "Product reveal", "Call to action"] },
  { name: "Onboarding Walkthrough", scenes: ["Sign up", "First project", "Invite the team", "Wrap-up"] },
  { name: "Q3 Product Demo", scenes: ["Dashboard tour", "Reporting"] },
  { name: "Customer Story: Acme Logistics", scenes: ["Interview", "B-roll warehouse", "Results"] },
  { name: "Conference Keynote Recap", scenes: ["Opening", "Announcements", "Highlights", "Outro"] },
];

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Idempotent: creates the database if missing (via the `postgres` database of
 * the same server), runs the repo's `npm run migrate` at its current checkout
 * and seeds 5 projects with 2–4 scenes each when `projects` is empty.
 * Requires ensureDemoRepo first.
 */
export async function ensureDemoDatabase(o: DemoOptions): Promise<void> {
  const target = new URL(o.databaseUrl);
  const dbName = decodeURIComponent(target.pathname.replace(/^\//, ""));
  if (!dbName) throw new Error(`ensureDemoDatabase: no database name in ${o.databaseUrl}`);

  const adminUrl = new URL(o.databaseUrl);
  adminUrl.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("select 1 from pg_database where datname = $1", [dbName]);
    if (!rowCount) {
      try {
        await admin.query(`create database ${quoteIdent(dbName)}`);
      } catch (err) {
        // 42P04 duplicate_database, 23505 when two creates race on pg_database.
        const code = (err as { code?: string }).code;
        if (code !== "42P04" && code !== "23505") throw err;
      }
    }
  } finally {
    await admin.end();
  }

  await npm(o, ["run", "--silent", "migrate"]);

  const db = new pg.Client({ connectionString: o.databaseUrl });
  await db.connect();
  try {
    await db.query("begin");
    await db.query("lock table projects in share row exclusive mode");
    const { rows } = await db.query<{ n: number }>("select count(*)::int as n from projects");
    if (rows[0]?.n === 0) {
      for (const p of SEED) {
        const inserted = await db.query<{ id: number }>("insert into projects (name) values ($1) returning id", [
          p.name,
        ]);
        const projectId = inserted.rows[0]?.id;
        for (const title of p.scenes) {
          await db.query("insert into scenes (project_id, title) values ($1, $2)", [projectId, title]);
        }
      }
    }
    await db.query("commit");
  } catch (err) {
    await db.query("rollback").catch(() => {});
    throw err;
  } finally {
    await db.end();
  }
}

// ---------------------------------------------------------------------------
// build / run

/** npm install + npm run build + npm run migrate at the repo's current checkout. */
export async function buildDemo(o: DemoOptions): Promise<void> {
  await npm(o, ["install", "--no-audit", "--no-fund"]);
  await npm(o, ["run", "--silent", "build"]);
  await npm(o, ["run", "--silent", "migrate"]);
}

type BuildInfo = { version: string; sha: string; builtAt: string };

async function readBuildInfo(o: DemoOptions): Promise<BuildInfo> {
  const file = path.join(path.resolve(o.repoPath), "dist", "build-info.json");
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as BuildInfo;
  } catch {
    throw new Error(`demo is not built (${file} missing); run buildDemo first`);
  }
}

async function pm2AppNames(o: DemoOptions): Promise<string[]> {
  if (!existsSync(path.join(o.pm2Home, "pm2.pid"))) return [];
  const { stdout } = await pm2(o, ["jlist"]);
  const start = stdout.indexOf("[");
  const end = stdout.lastIndexOf("]");
  if (start < 0 || end < start) return [];
  try {
    const list = JSON.parse(stdout.slice(start, end + 1)) as Array<{ name?: string }>;
    return list.map((p) => String(p.name));
  } catch {
    return [];
  }
}

async function tail(file: string, lines: number): Promise<string> {
  try {
    const text = await fs.readFile(file, "utf8");
    return text.trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

async function waitHealthy(o: DemoOptions, expected: BuildInfo): Promise<void> {
  const base = `http://127.0.0.1:${o.port}`;
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let last = "no response";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(3000) });
      const body = (await res.json().catch(() => null)) as { status?: string } | null;
      last = `${res.status} ${JSON.stringify(body)}`;
      if (res.status === 200 && body?.status === "ok") {
        // Make sure it is the build we just made, not a previous process.
        const v = await fetch(`${base}/api/version`, { signal: AbortSignal.timeout(3000) });
        const info = (await v.json().catch(() => null)) as BuildInfo | null;
        if (info && info.sha === expected.sha && info.builtAt === expected.builtAt) return;
        last = `running build ${JSON.stringify(info)}, expected ${JSON.stringify(expected)}`;
      }
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const pm2Err = await tail(path.join(o.pm2Home, "logs", "demo-api-error.log"), 15);
  throw new Error(
    `demo did not become healthy at ${base}/health within ${HEALTH_TIMEOUT_MS / 1000}s (last: ${last}). ` +
      `Check the log file ${o.logFile} and pm2 logs in ${path.join(o.pm2Home, "logs")}` +
      (pm2Err ? `\n--- demo-api-error.log ---\n${pm2Err}` : ""),
  );
}

async function startOrRestart(o: DemoOptions): Promise<void> {
  const repo = path.resolve(o.repoPath);
  const sock = path.join(path.resolve(o.pm2Home), "rpc.sock");
  if (Buffer.byteLength(sock) > 100) {
    throw new Error(`pm2Home path too long for a unix socket (${sock}); use a shorter path`);
  }
  const expected = await readBuildInfo(o);
  await fs.mkdir(o.pm2Home, { recursive: true });
  await fs.mkdir(path.dirname(path.resolve(o.logFile)), { recursive: true });

  const names = await pm2AppNames(o);
  if (DEMO_APPS.every((n) => names.includes(n))) {
    await pm2(o, ["restart", "all", "--update-env"]);
  } else {
    // `pm2 start <ecosystem>` starts missing apps and restarts existing ones.
    await pm2(o, ["start", path.join(repo, "ecosystem.config.cjs"), "--update-env"]);
  }
  await waitHealthy(o, expected);
}

/**
 * Starts demo-api and demo-worker under pm2 (PM2_HOME = o.pm2Home), or
 * `pm2 restart all --update-env` if they are already running; waits up to
 * 30 s for GET /health to answer 200 with the current build.
 */
export async function startDemo(o: DemoOptions): Promise<void> {
  await startOrRestart(o);
}

/** `pm2 kill` for o.pm2Home: stops both apps and the pm2 daemon. */
export async function stopDemo(o: DemoOptions): Promise<void> {
  const pidFile = path.join(o.pm2Home, "pm2.pid");
  // `pm2 kill` with no daemon would spawn one first, so skip it.
  if (!existsSync(pidFile)) return;
  const pid = Number((await fs.readFile(pidFile, "utf8")).trim());
  if (!isAlive(pid)) {
    await fs.rm(pidFile, { force: true });
    return;
  }
  await pm2(o, ["kill"]);
  const deadline = Date.now() + 10_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) throw new Error(`pm2 daemon ${pid} (PM2_HOME=${o.pm2Home}) still running after pm2 kill`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Deploys a release: `git checkout --force <release>` (detached), buildDemo
 * (install, build, migrate), pm2 restart with --update-env, wait healthy.
 * Note: going back to an older release does not run down migrations.
 */
export async function deployDemo(o: DemoOptions, release: string): Promise<void> {
  if (!release || release.startsWith("-") || /\s/.test(release)) {
    throw new Error(`deployDemo: invalid release ${JSON.stringify(release)}`);
  }
  const repo = path.resolve(o.repoPath);
  try {
    await git(repo, ["rev-parse", "--verify", "--quiet", `${release}^{commit}`]);
  } catch {
    throw new Error(`deployDemo: unknown release ${release} in ${repo}`);
  }
  await git(repo, ["checkout", "--quiet", "--force", "--detach", release]);
  await buildDemo(o);
  await startOrRestart(o);
}
