import "server-only";
import fs from "node:fs";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Target } from "./schema";
import type { TargetFacts } from "../runbooks/types";
import { listBackups } from "../steps/executors/postgres";

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

/** Reads what the target has now: its release tags, what is checked out, its backups. */
export async function getTargetFacts(target: Target): Promise<TargetFacts> {
  const pattern = new RegExp(target.releasePattern);
  const [tags, checkedOut] = await Promise.all([git(target.repoPath, ["tag", "-l"]), getCheckedOut(target)]);
  const releases = (tags ?? "").split("\n").filter((t) => t && pattern.test(t)).sort(compareReleases);
  const dir = target.postgres.migrationsDir;
  const downMigrations =
    dir && fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".down.sql")).sort() : [];
  return {
    releases,
    currentRelease: checkedOut.release,
    currentSha: checkedOut.sha,
    backups: listBackups(target.postgres.backupDir).map((b) => b.name),
    downMigrations,
  };
}
