import "server-only";
import fs from "node:fs";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Target } from "../targets/schema";
import type { DownMigration, TargetFacts } from "../runbooks/types";
import path from "node:path";
import pg from "pg";
import { listBackups } from "./backups";
import { pitrFacts } from "./pitr";

const exec = promisify(execFile);

async function git(repo: string, args: string[]): Promise<string | null> {
  try {
    const { stdout } = await exec("git", ["-C", repo, ...args], { timeout: 10_000 });
    return stdout.trim();
  } catch {
    return null;
  }
}

function compareReleases(a: string, b: string): number {
  const nums = (s: string) => (s.match(/\d+/g) ?? []).map(Number);
  const x = nums(a);
  const y = nums(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d) return d;
  }
  return a.localeCompare(b);
}

/**
 * Only what is checked out: the release tag on HEAD (when it matches the target's releasePattern)
 * and the sha. Two git processes, for what is polled (the version badge, §3 information).
 */
export async function getCheckedOut(target: Target): Promise<{ release: string | null; sha: string | null }> {
  const [current, sha] = await Promise.all([
    git(target.repoPath, ["describe", "--tags", "--exact-match", "HEAD"]),
    git(target.repoPath, ["rev-parse", "HEAD"]),
  ]);
  return { release: current && new RegExp(target.releasePattern).test(current) ? current : null, sha };
}

/** The target's release tags (those matching its releasePattern), oldest first. One git process. */
export async function listReleases(target: Target): Promise<string[]> {
  const pattern = new RegExp(target.releasePattern);
  return ((await git(target.repoPath, ["tag", "-l"])) ?? "")
    .split("\n")
    .filter((t) => t && pattern.test(t))
    .sort(compareReleases);
}

/**
 * Reads what the target has now: its release tags, what is checked out, its backups; with `pitr`,
 * what a point-in-time restore can reach too (it reads the WAL archive with pg_waldump, so only
 * the runbooks that need it, and the catalog, ask).
 */
export async function getTargetFacts(target: Target, opts: { pitr?: boolean } = {}): Promise<TargetFacts> {
  const [releases, checkedOut, pitr] = await Promise.all([
    listReleases(target),
    getCheckedOut(target),
    opts.pitr ? pitrFacts(target) : undefined,
  ]);
  return {
    ...(pitr ? { pitr } : {}),
    releases,
    currentRelease: checkedOut.release,
    currentSha: checkedOut.sha,
    backups: listBackups(target.postgres.backupDir).map((b) => b.name),
    downMigrations: await downMigrationsOf(target, releases),
  };
}

/** The migrations the target's database has applied, newest first; null when the target does not say. */
async function appliedMigrations(target: Target): Promise<string[] | null> {
  if (!target.postgres.appliedMigrationsSql) return null;
  const c = new pg.Client({ connectionString: target.postgres.url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    const { rows } = await c.query<{ name: string }>(target.postgres.appliedMigrationsSql);
    return rows.map((r) => String(r.name));
  } catch {
    return null;
  } finally {
    await c.end().catch(() => {});
  }
}

// Which release first holds each down file: tags and their trees do not change, so read once per set of tags.
const firstReleaseCache = new Map<string, Map<string, string>>();

async function firstReleaseOf(target: Target, releases: string[], rel: string): Promise<Map<string, string>> {
  const key = `${target.repoPath}\u0000${rel}\u0000${releases.join(",")}`;
  let found = firstReleaseCache.get(key);
  if (found) return found;
  found = new Map();
  for (const tag of releases) {
    const listing = await git(target.repoPath, ["ls-tree", "--name-only", `${tag}:${rel}`]);
    for (const f of (listing ?? "").split("\n")) if (f.endsWith(".down.sql") && !found.has(f)) found.set(f, tag);
  }
  firstReleaseCache.set(key, found);
  return found;
}

/**
 * plan §5.1 Method 1: what a down migration may undo. With the database's own record, the applied
 * migrations newest first, each with the release whose tree holds its down file; without it, the
 * down files checked out, newest name first, none of them applied for sure.
 */
async function downMigrationsOf(target: Target, releases: string[]): Promise<DownMigration[]> {
  const dir = target.postgres.migrationsDir;
  if (!dir) return [];
  const rel = path.relative(target.repoPath, dir);
  const applied = await appliedMigrations(target);
  if (applied && !rel.startsWith("..")) {
    const firstRelease = await firstReleaseOf(target, releases, rel);
    return applied
      .map((name) => `${name}.down.sql`)
      .filter((file) => firstRelease.has(file))
      .map((file) => ({ file, release: firstRelease.get(file)!, isApplied: true }));
  }
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".down.sql"))
        .sort()
        .reverse()
    : [];
  return files.map((file) => ({ file, release: null, isApplied: false }));
}
