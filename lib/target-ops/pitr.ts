import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { AppError } from "../errors";
import { baseChildEnv } from "../env";
import type { Target } from "../targets/schema";
import {
  backupFor,
  estimateRestore,
  newestCommitIn,
  recoverableRange,
  unreachableReason,
  type BaseBackup,
  type WalArchive,
} from "../pitr/range";

// Point-in-time recovery (issue 17), the I/O (the arithmetic is lib/pitr/range.ts): PostgreSQL's own tools on a cluster's WAL archive
// and base backups. Base backups are pg_basebackup's plain copies, each in its own folder with
// Backout's record of it (backout-backup.json); the archive is the folder archive_command copies
// segments into. A restore is made beside the live cluster, in its own data folder and on its own
// port, and the live one is not touched. As root, PostgreSQL's tools run as `postgres`.

const run = promisify(execFile);

/** Where PostgreSQL's own tools are: on PATH, or Debian's /usr/lib/postgresql/<version>/bin. */
export function pgTool(name: string): string | undefined {
  const dirs = (baseChildEnv().PATH ?? "").split(":").filter(Boolean);
  const root = "/usr/lib/postgresql";
  if (fs.existsSync(root))
    for (const v of fs.readdirSync(root).sort((a, b) => Number(b) - Number(a))) dirs.push(path.join(root, v, "bin"));
  for (const d of dirs) if (fs.existsSync(path.join(d, name))) return path.join(d, name);
  return undefined;
}

/** What is missing for PITR on this host, in words, or null when PostgreSQL's tools are all there. */
export function missingTools(): string | null {
  const missing = ["initdb", "pg_ctl", "pg_basebackup", "pg_waldump"].filter((t) => !pgTool(t));
  return missing.length
    ? `PostgreSQL's own tools are not installed here (${missing.join(", ")} not found on PATH or in /usr/lib/postgresql/*/bin)`
    : null;
}

const isRoot = () => process.getuid?.() === 0;

/** Runs one of PostgreSQL's tools (as `postgres` when Backout runs as root): its output, or an error with its stderr. */
export async function runPgTool(name: string, args: string[], timeoutMs = 120_000): Promise<string> {
  const bin = pgTool(name);
  if (!bin) throw new Error(missingTools() ?? `${name} not found`);
  const [cmd, argv] = isRoot() ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  try {
    // PostgreSQL's tools get PATH and the like, never Backout's secrets.
    const { stdout, stderr } = await run(cmd, argv, {
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
      env: baseChildEnv() as NodeJS.ProcessEnv,
    });
    return stdout + stderr;
  } catch (e) {
    const err = e as Error & { stderr?: string; stdout?: string };
    throw Object.assign(new Error(`${name} failed: ${(err.stderr || err.stdout || err.message).trim().slice(-2000)}`), {
      output: `${err.stdout ?? ""}${err.stderr ?? ""}`,
    });
  }
}

/** A folder PostgreSQL (as `postgres` when root) may own: created, and handed over. */
export async function ownedFolder(dir: string, mode = 0o700): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  if (isRoot()) await run("chown", ["-R", "postgres:postgres", dir]);
  fs.chmodSync(dir, mode);
}

const RECORD = "backout-backup.json";

/** A base backup of the cluster at `url` into `<backupsDir>/<name>`, with Backout's record of it. */
export async function takeBaseBackup(opts: { url: string; backupsDir: string; now?: () => Date }): Promise<BaseBackup> {
  const now = opts.now ?? (() => new Date());
  const startedAt = now();
  const name = `base-${startedAt.toISOString().replace(/[:.]/g, "-")}`;
  const dir = path.join(opts.backupsDir, name);
  await ownedFolder(opts.backupsDir, 0o755);
  // -X none: the WAL comes from the archive at restore time, like every later segment.
  await runPgTool("pg_basebackup", ["-d", opts.url, "-D", dir, "-Fp", "-X", "none", "-c", "fast", "--no-sync"]);
  const finishedAt = now();
  const backup: BaseBackup = { name, startedAt, finishedAt, bytes: folderBytes(dir) };
  fs.writeFileSync(path.join(opts.backupsDir, `${name}.${RECORD}`), JSON.stringify(backup));
  return backup;
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? folderBytes(p) : e.isFile() ? fs.statSync(p).size : 0;
  }
  return total;
}

/** The base backups Backout recorded in `backupsDir`, oldest first (those whose folder is still there). */
export function listBaseBackups(backupsDir: string): BaseBackup[] {
  if (!fs.existsSync(backupsDir)) return [];
  return fs
    .readdirSync(backupsDir)
    .filter((f) => f.endsWith(`.${RECORD}`))
    .map((f) => JSON.parse(fs.readFileSync(path.join(backupsDir, f), "utf8")) as Record<string, unknown>)
    .filter((r) => typeof r.name === "string" && fs.existsSync(path.join(backupsDir, r.name)))
    .map((r) => ({
      name: r.name as string,
      startedAt: new Date(r.startedAt as string),
      finishedAt: new Date(r.finishedAt as string),
      bytes: Number(r.bytes),
    }))
    .sort((a, b) => a.finishedAt.getTime() - b.finishedAt.getTime());
}

const SEGMENT = /^[0-9A-F]{24}$/;

/**
 * What the WAL archive holds: its segments, their size, and the newest commit in them (read with
 * pg_waldump from the newest segment back, until one records a commit).
 */
export async function readWalArchive(archiveDir: string): Promise<WalArchive> {
  const segments = fs.existsSync(archiveDir)
    ? fs
        .readdirSync(archiveDir)
        .filter((f) => SEGMENT.test(f))
        .sort()
    : [];
  const bytes = segments.reduce((n, s) => n + fs.statSync(path.join(archiveDir, s)).size, 0);
  let newestCommitAt: Date | null = null;
  for (const s of [...segments].reverse().slice(0, 16)) {
    // The newest segment alone (its own name as the end); one cut mid-record ends in an error after
    // printing what it read, and that is what counts.
    const out = await runPgTool("pg_waldump", ["-p", archiveDir, "-r", "Transaction", s, s]).catch(
      (e: Error & { output?: string }) => e.output ?? "",
    );
    newestCommitAt = newestCommitIn(out);
    if (newestCommitAt) break;
  }
  return { segments: segments.length, bytes, newestCommitAt };
}

/** Archived WAL written after `since` (by the segments' modification times): what a restore replays. */
export function walBytesSince(archiveDir: string, since: Date): number {
  if (!fs.existsSync(archiveDir)) return 0;
  return fs
    .readdirSync(archiveDir)
    .filter((f) => SEGMENT.test(f))
    .map((f) => fs.statSync(path.join(archiveDir, f)))
    .filter((st) => st.mtime >= since)
    .reduce((n, st) => n + st.size, 0);
}

export type RestoredCopy = { dataDir: string; port: number; url: string; stop: () => Promise<void> };

/**
 * The base backup `backup` restored beside the live cluster, into `dataDir`, replayed from the
 * archive up to `at` and promoted: a copy on its own port, the live cluster untouched. When replay
 * cannot reach `at` the server refuses to start, and this throws with what its log says.
 */
export async function restoreBeside(opts: {
  backupsDir: string;
  backup: BaseBackup;
  archiveDir: string;
  dataDir: string;
  port: number;
  at: Date;
}): Promise<RestoredCopy> {
  if (fs.existsSync(opts.dataDir)) throw new Error(`${opts.dataDir} exists: a restore goes into a new folder`);
  fs.cpSync(path.join(opts.backupsDir, opts.backup.name), opts.dataDir, { recursive: true });
  await ownedFolder(opts.dataDir);
  fs.rmSync(path.join(opts.dataDir, "postmaster.pid"), { force: true });
  fs.writeFileSync(path.join(opts.dataDir, "recovery.signal"), "");
  fs.appendFileSync(
    path.join(opts.dataDir, "postgresql.auto.conf"),
    [
      "",
      "# Backout: point-in-time recovery (issue 17)",
      `restore_command = 'cp "${opts.archiveDir}/%f" "%p"'`,
      // PostgreSQL's own timestamp syntax (it refuses ISO 8601's T and Z).
      `recovery_target_time = '${opts.at.toISOString().replace("T", " ").replace("Z", "+00")}'`,
      "recovery_target_action = 'promote'",
      // The copy is not the live cluster: it archives nothing of its own.
      "archive_mode = off",
      "",
    ].join("\n"),
  );
  if (isRoot()) await run("chown", ["-R", "postgres:postgres", opts.dataDir]);
  const log = path.join(opts.dataDir, "restore.log");
  const options = `-p ${opts.port} -k ${opts.dataDir} -c listen_addresses=127.0.0.1`;
  // What the copy's log says went wrong: its FATAL lines and what PostgreSQL said just before.
  const failure = () => {
    const lines = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
    // Not a client turned away while it starts (the wait below connects early): the server's own end.
    const fatal = lines.findIndex(
      (l) =>
        /\b(FATAL|PANIC):/.test(l) && !/the database system is (starting up|not yet accepting connections)/.test(l),
    );
    return fatal < 0 ? null : lines.slice(Math.max(0, fatal - 1), fatal + 1).join("\n");
  };
  try {
    await runPgTool("pg_ctl", ["-D", opts.dataDir, "-l", log, "-w", "-t", "300", "-o", options, "start"], 320_000);
  } catch (e) {
    throw new Error(`the restored copy did not start: ${failure() ?? (e as Error).message}`);
  }
  const url = `postgresql://postgres@127.0.0.1:${opts.port}/postgres`;
  const stop = async () => {
    await runPgTool("pg_ctl", ["-D", opts.dataDir, "-m", "fast", "-w", "stop"]).catch(() => {});
  };
  // Promoted once replay reached the moment: out of recovery.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const c = new pg.Client({ connectionString: url });
    const inRecovery = await c
      .connect()
      .then(() => c.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r"))
      .then((r) => r.rows[0]!.r)
      .catch(() => true)
      .finally(() => c.end().catch(() => {}));
    if (!inRecovery) break;
    // It accepts read-only connections while it replays, then stops when replay cannot reach the
    // moment ("recovery ended before configured recovery target was reached").
    const fatal = failure();
    if (fatal) {
      await stop();
      throw new Error(`the restored copy did not start: ${fatal}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the restored copy was still replaying after 120 s (its log: ${log})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { dataDir: opts.dataDir, port: opts.port, url, stop };
}

/** Until a restore has been measured here: WAL replay assumed at this rate, and said to be assumed. */
const ASSUMED_REPLAY_BYTES_PER_SECOND = 16 * 1024 * 1024;

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * What a target's point-in-time recovery can reach now: its base backups, its WAL archive and the
 * range between; or why there is none (not declared in targets.json, PostgreSQL's tools missing).
 * With `at`, whether that moment can be restored to (a 422 naming the range when not) and the
 * estimate: the copy at the rate the newest base backup was taken at, the replay at the measured
 * (or, until one is measured, an assumed and so labelled) rate, and the minutes of writes undone.
 */
export async function pitrOf(target: Target, opts: { at?: Date; now?: Date } = {}) {
  const now = opts.now ?? new Date();
  const pitr = target.postgres.pitr;
  if (!pitr)
    return {
      target: target.name,
      isDeclared: false as const,
      why: `${target.name} declares no point-in-time recovery: add "pitr": { "archiveDir", "baseBackupsDir" } under "postgres" in targets.json`,
    };
  const missing = missingTools();
  if (missing) return { target: target.name, isDeclared: true as const, isAvailable: false as const, why: missing };
  const backups = listBaseBackups(pitr.baseBackupsDir);
  const wal = await readWalArchive(pitr.archiveDir);
  const range = recoverableRange(backups, wal);
  const status = {
    target: target.name,
    isDeclared: true as const,
    isAvailable: true as const,
    range: range ? { from: iso(range.from)!, to: iso(range.to)! } : null,
    backups: backups.map((b) => ({
      name: b.name,
      startedAt: iso(b.startedAt)!,
      finishedAt: iso(b.finishedAt)!,
      bytes: b.bytes,
    })),
    wal: { segments: wal.segments, bytes: wal.bytes, newestCommitAt: iso(wal.newestCommitAt) },
  };
  if (!opts.at) return status;
  const why = unreachableReason(range, opts.at, now);
  if (why) throw new AppError("UNPROCESSABLE", why, { issues: [{ path: "query.at", message: why }] });
  const backup = backupFor(backups, opts.at)!;
  const copyMs = Math.max(1, backup.finishedAt.getTime() - backup.startedAt.getTime());
  const estimate = estimateRestore({
    backup,
    walBytesToReplay: walBytesSince(pitr.archiveDir, backup.startedAt),
    rates: {
      copyBytesPerSecond: backup.bytes / (copyMs / 1000),
      replayBytesPerSecond: ASSUMED_REPLAY_BYTES_PER_SECOND,
    },
    at: opts.at,
    now,
  });
  return {
    ...status,
    moment: {
      at: opts.at.toISOString(),
      fromBackup: backup.name,
      ...estimate,
      rates: {
        copy: "measured: the rate the base backup was taken at",
        replay: "assumed: 16 MiB/s (no restore measured here yet)",
      },
    },
  };
}
