import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { AppError } from "../errors";
import { formatBytes } from "../plan/format";
import { baseChildEnv } from "../env";
import type { Target } from "../targets/schema";
import type { TargetFacts } from "../runbooks/types";
import type { PitrComparison } from "../schemas/pitr";
import {
  pitrNotDeclared,
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
  try {
    await runPgTool("pg_basebackup", ["-d", opts.url, "-D", dir, "-Fp", "-X", "none", "-c", "fast", "--no-sync"]);
  } catch (e) {
    // A base backup cut short (the cluster stopped by a swap, the disk full) leaves no folder behind.
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
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
      timeline: labelTimeline(path.join(backupsDir, r.name as string)),
    }))
    .sort((a, b) => a.finishedAt.getTime() - b.finishedAt.getTime());
}

/** The timeline a base backup was taken on, from its backup_label. */
function labelTimeline(dir: string): number | undefined {
  const label = path.join(dir, "backup_label");
  if (!fs.existsSync(label)) return undefined;
  const m = /START TIMELINE: (\d+)/.exec(fs.readFileSync(label, "utf8"));
  return m ? Number(m[1]) : undefined;
}

/** A base backup and Backout's record of it removed (retention). */
export function removeBaseBackup(backupsDir: string, name: string): void {
  fs.rmSync(path.join(backupsDir, `${name}.${RECORD}`), { force: true });
  fs.rmSync(path.join(backupsDir, name), { recursive: true, force: true });
}

/** The timeline the live cluster at `url` is on now. */
export async function liveTimeline(url: string): Promise<number> {
  return withClient(url, async (c) => {
    // The current WAL file's name begins with its timeline (a checkpoint's record may lag a promotion).
    const r = await c.query<{ f: string }>("SELECT pg_walfile_name(pg_current_wal_lsn()) AS f");
    return parseInt(r.rows[0]!.f.slice(0, 8), 16);
  });
}

const SEGMENT = /^[0-9A-F]{24}$/;

/** The WAL segments in the archive, oldest first (their names sort in WAL order). */
function archivedSegments(archiveDir: string): string[] {
  return fs.existsSync(archiveDir)
    ? fs
        .readdirSync(archiveDir)
        .filter((f) => SEGMENT.test(f))
        .sort()
    : [];
}

/**
 * What the WAL archive holds: its segments, their size, and the newest commit in them (read with
 * pg_waldump from the newest segment back, until one records a commit).
 */
export async function readWalArchive(archiveDir: string): Promise<WalArchive> {
  const segments = archivedSegments(archiveDir);
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
  return archivedSegments(archiveDir)
    .map((f) => fs.statSync(path.join(archiveDir, f)))
    .filter((st) => st.mtime >= since)
    .reduce((n, st) => n + st.size, 0);
}

export type RestoredCopy = {
  dataDir: string;
  port: number;
  url: string;
  stop: () => Promise<void>;
  /** How long the copy and the replay took, and how much WAL was replayed: the rates the estimate reads. */
  measured: { copyMs: number; replayMs: number; walBytes: number };
};

/** How far a restore has got: the bytes copied, then the WAL replayed, as one share of the whole. */
export type RestoreProgress = (p: { phase: "copy" | "replay"; percent: number; message: string }) => void;

const BLOCK_START = "# Backout: point-in-time recovery (issue 17)";
const BLOCK_END = "# Backout: end of point-in-time recovery";

/** The cluster at `dataDir` stopped (fast: open sessions are ended), if it runs. */
export async function stopCluster(dataDir: string): Promise<void> {
  if (!fs.existsSync(path.join(dataDir, "postmaster.pid"))) return;
  await runPgTool("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "-t", "120", "stop"], 130_000);
}

/**
 * A stopped cluster's socket lock files (`.s.PGSQL.<port>.lock`, in a data folder that is its own
 * socket folder): a base backup copies the live one's, and PostgreSQL refuses to start while the
 * PID in one may be alive.
 */
function removeSocketLocks(dataDir: string) {
  for (const f of fs.readdirSync(dataDir))
    if (/^\.s\.PGSQL\.\d+(\.lock)?$/.test(f)) fs.rmSync(path.join(dataDir, f), { force: true });
}

/** Copies `from` into `to`, file by file, saying how many bytes are done; stops between files when aborted. */
function copyTree(from: string, to: string, onBytes: (n: number) => void, signal?: AbortSignal) {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
    const [a, b] = [path.join(from, e.name), path.join(to, e.name)];
    if (e.isDirectory()) copyTree(a, b, onBytes, signal);
    else if (e.isFile()) {
      fs.copyFileSync(a, b);
      onBytes(fs.statSync(b).size);
    }
  }
}

/** An LSN ("16/B374D848") as a byte position in the WAL. */
export const lsnBytes = (lsn: string) => {
  const [hi, lo] = lsn.split("/").map((h) => parseInt(h, 16));
  return hi! * 2 ** 32 + lo!;
};
/** Where the WAL segment `name` (24 hex digits) of `bytes` ends, as a byte position. */
const segmentEnd = (name: string, bytes: number) =>
  parseInt(name.slice(8, 16), 16) * 2 ** 32 + (parseInt(name.slice(16, 24), 16) + 1) * bytes;

/**
 * The base backup `backup` restored beside the live cluster, into `dataDir`, replayed from the
 * archive up to `at` and promoted: a copy on its own port, the live cluster untouched. When replay
 * cannot reach `at` the server refuses to start, and this throws with what its log says.
 * `onProgress` hears the copy (bytes) and the replay (the copy's replay position against the newest
 * archived segment); an abort between files, or while it replays, stops the copy. `at: "consistent"`
 * stops replay as soon as the copy is consistent (a test restore of a backup with nothing after it).
 */
export async function restoreBeside(opts: {
  backupsDir: string;
  backup: BaseBackup;
  archiveDir: string;
  dataDir: string;
  port: number;
  at: Date | "consistent";
  onProgress?: RestoreProgress;
  signal?: AbortSignal;
}): Promise<RestoredCopy> {
  if (fs.existsSync(opts.dataDir)) throw new Error(`${opts.dataDir} exists: a restore goes into a new folder`);
  const say = opts.onProgress ?? (() => {});
  const segments = archivedSegments(opts.archiveDir);
  const walEnd = segments.length
    ? segmentEnd(segments.at(-1)!, fs.statSync(path.join(opts.archiveDir, segments.at(-1)!)).size)
    : 0;
  const label = path.join(opts.backupsDir, opts.backup.name, "backup_label");
  const startLsn = fs.existsSync(label)
    ? lsnBytes(/START WAL LOCATION: ([0-9A-F]+\/[0-9A-F]+)/.exec(fs.readFileSync(label, "utf8"))?.[1] ?? "0/0")
    : 0;
  const walToReplay = Math.max(0, walEnd - startLsn);
  const total = Math.max(1, opts.backup.bytes + walToReplay);
  const until = opts.at === "consistent" ? "the first consistent moment" : opts.at.toISOString();
  let copied = 0;
  let lastSaid = 0;
  const copyStarted = Date.now();
  copyTree(
    path.join(opts.backupsDir, opts.backup.name),
    opts.dataDir,
    (n) => {
      copied += n;
      if (Date.now() - lastSaid < 500) return;
      lastSaid = Date.now();
      say({
        phase: "copy",
        percent: Math.min(99, (100 * copied) / total),
        message: `copying the base backup: ${formatBytes(copied)} of ${formatBytes(opts.backup.bytes)}`,
      });
    },
    opts.signal,
  );
  say({
    phase: "copy",
    percent: Math.min(99, (100 * opts.backup.bytes) / total),
    message: `base backup copied (${formatBytes(copied)}); replaying ${formatBytes(walToReplay)} of archived WAL up to ${until}`,
  });
  const copyMs = Date.now() - copyStarted;
  await ownedFolder(opts.dataDir);
  fs.rmSync(path.join(opts.dataDir, "postmaster.pid"), { force: true });
  removeSocketLocks(opts.dataDir);
  fs.writeFileSync(path.join(opts.dataDir, "recovery.signal"), "");
  fs.appendFileSync(
    path.join(opts.dataDir, "postgresql.auto.conf"),
    [
      "",
      BLOCK_START,
      `restore_command = 'cp "${opts.archiveDir}/%f" "%p"'`,
      opts.at === "consistent"
        ? "recovery_target = 'immediate'"
        : // PostgreSQL's own timestamp syntax (it refuses ISO 8601's T and Z).
          `recovery_target_time = '${opts.at.toISOString().replace("T", " ").replace("Z", "+00")}'`,
      "recovery_target_action = 'promote'",
      // The copy is not the live cluster: it archives nothing of its own (a swap turns this back).
      "archive_mode = off",
      BLOCK_END,
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
    await stopCluster(opts.dataDir).catch(() => {});
    throw new Error(`the restored copy did not start: ${failure() ?? (e as Error).message}`);
  }
  const url = `postgresql://postgres@127.0.0.1:${opts.port}/postgres`;
  const stop = () => stopCluster(opts.dataDir).catch(() => {});
  const replayStarted = Date.now();
  let replayedTo = startLsn;
  // Promoted once replay reached the moment: out of recovery.
  const deadline = Date.now() + 3_600_000;
  for (;;) {
    const c = new pg.Client({ connectionString: url });
    const state = await c
      .connect()
      .then(() =>
        c.query<{ r: boolean; lsn: string | null }>(
          "SELECT pg_is_in_recovery() AS r, pg_last_wal_replay_lsn()::text AS lsn",
        ),
      )
      .then((r) => r.rows[0]!)
      .catch(() => ({ r: true, lsn: null }))
      .finally(() => c.end().catch(() => {}));
    if (state.lsn) replayedTo = Math.max(replayedTo, lsnBytes(state.lsn));
    if (!state.r) break;
    if (state.lsn && walToReplay) {
      const replayed = Math.max(0, lsnBytes(state.lsn) - startLsn);
      say({
        phase: "replay",
        percent: Math.min(99, (100 * (opts.backup.bytes + replayed)) / total),
        message: `replaying archived WAL: ${formatBytes(replayed)} of ${formatBytes(walToReplay)}`,
      });
    }
    // It accepts read-only connections while it replays, then stops when replay cannot reach the
    // moment ("recovery ended before configured recovery target was reached").
    const fatal = failure();
    if (fatal) {
      await stop();
      throw new Error(`the restored copy did not start: ${fatal}`);
    }
    if (opts.signal?.aborted || Date.now() > deadline) {
      await stop();
      if (opts.signal?.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : new Error("aborted");
      throw new Error(`the restored copy was still replaying after an hour (its log: ${log})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  // Where replay ended (read once more: the last poll may have come before the promotion).
  const ended = await withClient(url, (c) =>
    c.query<{ lsn: string | null }>("SELECT pg_last_wal_replay_lsn()::text AS lsn").then((r) => r.rows[0]?.lsn),
  ).catch(() => null);
  if (ended) replayedTo = Math.max(replayedTo, lsnBytes(ended));
  say({ phase: "replay", percent: 100, message: `replayed to ${until} and promoted` });
  return {
    dataDir: opts.dataDir,
    port: opts.port,
    url,
    stop,
    measured: { copyMs, replayMs: Date.now() - replayStarted, walBytes: Math.max(0, replayedTo - startLsn) },
  };
}

/**
 * Earlier copies beside `dataDir` that are not live: restores never swapped in
 * (`<dataDir>.restore-*`), or with `kind: "check"` test restores a runner left behind
 * (`<dataDir>.check-*`). Stopped and removed.
 */
export async function discardUnswappedCopies(
  dataDir: string,
  kind: "restore" | "check" = "restore",
): Promise<string[]> {
  const parent = path.dirname(dataDir);
  const prefix = `${path.basename(dataDir)}.${kind}-`;
  const gone: string[] = [];
  for (const f of fs.existsSync(parent) ? fs.readdirSync(parent) : []) {
    const p = path.join(parent, f);
    if (!f.startsWith(prefix)) continue;
    await stopCluster(p).catch(() => {});
    fs.rmSync(p, { recursive: true, force: true });
    gone.push(p);
  }
  return gone;
}

/**
 * Data folders no longer live: the ones a swap replaced (`<dataDir>.replaced-*`) and the ones an
 * undo took out (`<dataDir>.undone-*`), for removal once their incident is resolved.
 */
export function retiredDataDirs(dataDir: string): string[] {
  const parent = path.dirname(dataDir);
  const base = path.basename(dataDir);
  return (fs.existsSync(parent) ? fs.readdirSync(parent) : [])
    .filter((f) => f.startsWith(`${base}.replaced-`) || f.startsWith(`${base}.undone-`))
    .map((f) => path.join(parent, f));
}

/** The data folders a swap replaced (`<dataDir>.replaced-*`), newest first: what "undo the swap" can put back. */
export function keptDataDirs(dataDir: string): string[] {
  const parent = path.dirname(dataDir);
  const prefix = `${path.basename(dataDir)}.replaced-`;
  return (fs.existsSync(parent) ? fs.readdirSync(parent) : [])
    .filter((f) => f.startsWith(prefix) && fs.existsSync(path.join(parent, f, "PG_VERSION")))
    .sort()
    .reverse()
    .map((f) => path.join(parent, f));
}

type TableSide = PitrComparison["tables"][number]["live"];

async function withClient<T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, statement_timeout: 60_000 });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end().catch(() => {});
  }
}

/** Per table: its rows, and its newest row's time (its created_at, updated_at or first timestamp column). */
/** Each data table's rows and newest row in the database at `url`. */
export const readTables = (url: string, tables: readonly string[]) =>
  withClient(url, (c) => Promise.all(tables.map((t) => tableSide(c, t))));

async function tableSide(c: pg.Client, table: string): Promise<TableSide> {
  const col = (
    await c.query<{ c: string }>(
      `SELECT column_name AS c FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = $1 AND data_type LIKE 'timestamp%'
        ORDER BY (column_name IN ('created_at', 'updated_at', 'at')) DESC, ordinal_position LIMIT 1`,
      [table],
    )
  ).rows[0]?.c;
  const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const r = await c.query<{ n: string; newest: Date | null }>(
    `SELECT count(*)::bigint AS n, ${col ? `max(${ident(col)})` : "NULL::timestamptz"} AS newest FROM ${ident(table)}`,
  );
  return { rows: Number(r.rows[0]!.n), newest: r.rows[0]!.newest ? new Date(r.rows[0]!.newest).toISOString() : null };
}

/**
 * The live database and the restored copy side by side: each data table's rows and newest row, and
 * each verification query's answer on both (its first 20 rows), with whether they agree.
 */
export async function compareCopies(opts: {
  liveUrl: string;
  copyUrl: string;
  tables: string[];
  queries: { name: string; sql: string }[];
}): Promise<PitrComparison> {
  const read = (url: string) =>
    withClient(url, async (c) => ({
      tables: await Promise.all(opts.tables.map((t) => tableSide(c, t))),
      queries: await Promise.all(opts.queries.map(async (q) => (await c.query(q.sql)).rows.slice(0, 20))),
    }));
  const [live, copy] = await Promise.all([read(opts.liveUrl), read(opts.copyUrl)]);
  return {
    tables: opts.tables.map((table, i) => ({
      table,
      live: live.tables[i]!,
      copy: copy.tables[i]!,
      rowsDifference: copy.tables[i]!.rows - live.tables[i]!.rows,
    })),
    queries: opts.queries.map((q, i) => ({
      name: q.name,
      live: live.queries[i]!,
      copy: copy.queries[i]!,
      isSame: JSON.stringify(live.queries[i]) === JSON.stringify(copy.queries[i]),
    })),
  };
}

/** The options the cluster at `dataDir` was last started with (its postmaster.opts, without the program). */
function startOptions(dataDir: string): string {
  const opts = fs.readFileSync(path.join(dataDir, "postmaster.opts"), "utf8").trim();
  return opts.replace(/^\S+\s*/, "");
}

/** The cluster at `dataDir` started with `options`; when it does not start, what its log says. */
async function startCluster(dataDir: string, options: string): Promise<void> {
  const log = path.join(dataDir, "swap.log");
  const from = fs.existsSync(log) ? fs.statSync(log).size : 0;
  try {
    await runPgTool("pg_ctl", ["-D", dataDir, "-l", log, "-w", "-t", "300", "-o", options, "start"], 320_000);
  } catch (e) {
    const said = fs.existsSync(log) ? fs.readFileSync(log, "utf8").slice(from).trim().split("\n").slice(-4) : [];
    throw new Error(`${(e as Error).message.split("\n")[0]} ${said.join(" | ")}`.trim());
  }
}

/**
 * `incoming` swapped in for the live data folder `dataDir`: the live cluster stopped, its folder
 * kept as `keepAs`, `incoming` moved into its place (Backout's recovery settings taken out, so it
 * archives again) and started with the options the live one ran with. When the new one does not
 * start, the old one is put back and started: the live database is never left stopped or
 * half-replaced. Both moves are renames within one folder.
 */
export async function swapDataDir(opts: {
  dataDir: string;
  incoming: string;
  keepAs: string;
  say?: (line: string) => void;
}): Promise<{ live: string; kept: string }> {
  const say = opts.say ?? (() => {});
  const { dataDir, incoming, keepAs } = opts;
  if (!fs.existsSync(path.join(incoming, "PG_VERSION")))
    throw new Error(`${incoming} is not a PostgreSQL data folder: restore a copy first`);
  if (fs.existsSync(keepAs)) throw new Error(`${keepAs} exists: a swap keeps the replaced folder under a new name`);
  if (path.dirname(incoming) !== path.dirname(dataDir) || path.dirname(keepAs) !== path.dirname(dataDir))
    throw new Error("the folders of a swap must sit beside the live one (a swap is two renames)");
  if (!fs.existsSync(path.join(dataDir, "postmaster.opts")))
    throw new Error(`${dataDir} has never been started by PostgreSQL (no postmaster.opts): its options are unknown`);
  const options = startOptions(dataDir);
  say(`stopping the copy in ${incoming}`);
  await stopCluster(incoming);
  removeSocketLocks(incoming);
  const conf = path.join(incoming, "postgresql.auto.conf");
  if (fs.existsSync(conf)) {
    const text = fs.readFileSync(conf, "utf8");
    const [a, b] = [text.indexOf(BLOCK_START), text.indexOf(BLOCK_END)];
    if (a >= 0 && b > a) fs.writeFileSync(conf, text.slice(0, a) + text.slice(b + BLOCK_END.length + 1));
  }
  say(`stopping the live database (${dataDir})`);
  await stopCluster(dataDir);
  fs.renameSync(dataDir, keepAs);
  fs.renameSync(incoming, dataDir);
  say(`starting ${dataDir} (was ${path.basename(incoming)}) with the live options: ${options}`);
  try {
    await startCluster(dataDir, options);
  } catch (e) {
    say(`it did not start: ${(e as Error).message}; putting the replaced folder back`);
    await stopCluster(dataDir).catch(() => {});
    fs.renameSync(dataDir, incoming);
    fs.renameSync(keepAs, dataDir);
    await startCluster(dataDir, options);
    throw new Error(
      `the swapped-in copy did not start (${(e as Error).message.slice(0, 500)}); the replaced database is live again and the copy is back in ${incoming}`,
    );
  }
  return { live: dataDir, kept: keepAs };
}

/** What a target's point-in-time recovery can reach, for its runbooks' parameters; undefined when it declares none. */
export async function pitrFacts(target: Target): Promise<NonNullable<TargetFacts["pitr"]> | undefined> {
  const pitr = target.postgres.pitr;
  if (!pitr) return undefined;
  const missing = missingTools();
  if (missing) return { range: null, backups: [], kept: [], missing };
  const backups = listBaseBackups(pitr.baseBackupsDir);
  const wal = await readWalArchive(pitr.archiveDir).catch(() => ({ segments: 0, bytes: 0, newestCommitAt: null }));
  return { range: recoverableRange(backups, wal), backups, kept: keptDataDirs(pitr.dataDir), missing: null };
}

/** Until a restore has been measured here: WAL replay assumed at this rate, and said to be assumed. */
const ASSUMED_REPLAY_BYTES_PER_SECOND = 16 * 1024 * 1024;

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * What a target's point-in-time recovery can reach now: its base backups, its WAL archive and the
 * range between; or why there is none (not declared in targets.json, PostgreSQL's tools missing).
 * With `at`, whether that moment can be restored to (a 422 naming the range when not) and the
 * estimate: the copy at the rate the newest base backup was taken at, the replay at the rate the
 * newest test restore measured (`replayRate`; until one has, an assumed and so labelled one), and
 * the minutes of writes undone.
 */
export async function pitrOf(
  target: Target,
  opts: { at?: Date; now?: Date; replayRate?: { bytesPerSecond: number; at: string } } = {},
) {
  const now = opts.now ?? new Date();
  const pitr = target.postgres.pitr;
  if (!pitr)
    return {
      target: target.name,
      isDeclared: false as const,
      why: pitrNotDeclared(target.name),
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
      replayBytesPerSecond: opts.replayRate?.bytesPerSecond ?? ASSUMED_REPLAY_BYTES_PER_SECOND,
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
        replay: opts.replayRate
          ? `measured: ${formatBytes(opts.replayRate.bytesPerSecond)}/s by the test restore of ${opts.replayRate.at}`
          : "assumed: 16 MiB/s (no test restore has measured one here yet)",
      },
    },
  };
}
