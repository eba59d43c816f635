import "server-only";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import { promisify } from "node:util";
import pg from "pg";
import type { Target } from "../targets/schema";
import { getCheckedOut } from "./facts";
import { getQueueStats } from "./queues";

const exec = promisify(execFile);

/** Reads a file's ERROR lines the way plan §3 does (`grep ERROR /var/log/app.log | wc -l`). */
function countErrors(file: string): number | null {
  try {
    const text = fs.readFileSync(file, "utf8");
    return text.split("\n").filter((l) => /\bERROR\b/.test(l)).length;
  } catch {
    return null;
  }
}

/**
 * plan §3 "Information to Gather", filled in automatically: current release and sha, the last 5
 * commits, the error count, queue stats, row counts, memory and disk. Each part on its own: one
 * failing leaves an error in its place, not a failed page.
 */
export async function gatherInformation(target: Target) {
  const part = async <T>(fn: () => Promise<T>): Promise<{ value: T } | { error: string }> => {
    try {
      return { value: await fn() };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  const [deployment, commits, queues, rows, disk] = await Promise.all([
    part(() => getCheckedOut(target)),
    part(async () =>
      (await exec("git", ["-C", target.repoPath, "log", "--oneline", "--decorate", "-5"], { timeout: 5000 })).stdout
        .trim()
        .split("\n")
        .filter(Boolean),
    ),
    part(() => getQueueStats(target)),
    part(async () => {
      const c = new pg.Client({ connectionString: target.postgres.url, connectionTimeoutMillis: 3000 });
      await c.connect();
      try {
        const out: Record<string, number> = {};
        for (const table of target.postgres.dataTables)
          out[table] = Number((await c.query(`SELECT count(*)::bigint AS n FROM "${table}"`)).rows[0].n);
        return out;
      } finally {
        await c.end();
      }
    }),
    part(async () => {
      const st = await fs.promises.statfs(target.repoPath);
      return { freeBytes: st.bavail * st.bsize, totalBytes: st.blocks * st.bsize };
    }),
  ]);
  return {
    target: target.name,
    at: new Date().toISOString(),
    deployment,
    lastCommits: commits,
    errorCount: { value: countErrors(target.logFile), file: target.logFile },
    queues,
    rowCounts: rows,
    memory: { freeBytes: os.freemem(), totalBytes: os.totalmem() },
    disk,
  };
}

export type Information = Awaited<ReturnType<typeof gatherInformation>>;
