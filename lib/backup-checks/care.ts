import "server-only";
import fs from "node:fs";
import path from "node:path";
import type Redis from "ioredis";
import type { Logger } from "pino";
import type { Db } from "../db/client";
import { keys } from "../redis";
import type { Target } from "../targets/schema";
import type { BackupKind, TestRestoreDetail } from "../schemas/backup-checks";
import { listBackups } from "../target-ops/backups";
import {
  discardUnswappedCopies,
  listBaseBackups,
  liveTimeline,
  missingTools,
  removeBaseBackup,
  retiredDataDirs,
  takeBaseBackup,
} from "../target-ops/pitr";
import { testRestoreBaseBackup, testRestoreDump } from "../steps/test-restore";
import { backupCare } from "./store";

// A runner's care of its pool's targets' backups (issue 17), one runner per target at a time (a lock
// in Redis): test restores asked for and due, base backups on their schedule and after a swap, and
// replaced data folders removed once their incident is resolved. Heavy work (a base backup, a test
// restore beside the live cluster) waits while a run holds the target; a dump's test restore does
// not, so a backup taken at the start of a rollback is verified while the rollback goes on.

const LOCK_MS = 10_000;
/** A failed scheduled test restore is tried again after this (a person can ask at once). */
const RETRY_FAILED_MS = 10 * 60_000;
const LOG_LINES = 200;

type Care = { db: Db; redis: Redis; log: Logger; workerId: string; signal: AbortSignal };

/** Holds the target's care lock while `f` runs, renewing it; false (nothing done) when another runner has it. */
async function withCareLock(c: Care, target: string, f: () => Promise<void>): Promise<boolean> {
  const key = keys.backupCare(target);
  if ((await c.redis.set(key, c.workerId, "PX", LOCK_MS, "NX")) !== "OK") return false;
  const renew = setInterval(() => {
    void c.redis
      .eval(
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end",
        1,
        key,
        c.workerId,
        LOCK_MS,
      )
      .catch(() => {});
  }, LOCK_MS / 3);
  try {
    await f();
  } finally {
    clearInterval(renew);
    await c.redis
      .eval(
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
        1,
        key,
        c.workerId,
      )
      .catch(() => {});
  }
  return true;
}

/** Runs one recorded check: running, then passed or failed with what it measured and said. */
async function runCheck(c: Care, target: Target, id: string): Promise<void> {
  const row = await c.db.backupCheck.update({
    where: { id },
    data: { status: "running", workerId: c.workerId, startedAt: new Date(), heartbeatAt: new Date() },
  });
  const lines: string[] = [];
  let flushed = 0;
  const say = (line: string) => {
    lines.push(`${new Date().toISOString().slice(11, 19)} ${line}`.slice(0, 500));
    if (lines.length > LOG_LINES) lines.shift();
  };
  // Its log and heartbeat reach the record every second or so: the target page follows it live.
  const beat = setInterval(() => {
    if (lines.length === flushed) return;
    flushed = lines.length;
    void c.db.backupCheck.update({ where: { id }, data: { heartbeatAt: new Date(), log: lines } }).catch(() => {});
  }, 1000);
  const started = performance.now();
  let detail: TestRestoreDetail | null = null;
  let error: string | null = null;
  try {
    const verify = {
      tables: target.postgres.dataTables,
      queries: target.postgres.verifyQueries,
      signal: c.signal,
      say,
    };
    if (row.kind === "dump") {
      const dump = listBackups(target.postgres.backupDir).find((b) => b.name === row.backup);
      if (!dump)
        throw new Error(`${row.backup} is gone from ${target.postgres.backupDir}: test the newest one instead`);
      detail = await testRestoreDump({ ...verify, databaseUrl: target.postgres.url, file: dump.file });
    } else {
      const pitr = target.postgres.pitr;
      if (!pitr) throw new Error(`${target.name} declares no point-in-time recovery`);
      const missing = missingTools();
      if (missing) throw new Error(missing);
      const backup = listBaseBackups(pitr.baseBackupsDir).find((b) => b.name === row.backup);
      if (!backup) throw new Error(`${row.backup} is gone from ${pitr.baseBackupsDir}: test the newest one instead`);
      detail = await testRestoreBaseBackup({ ...verify, databaseUrl: target.postgres.url, pitr, backup, id });
    }
    say("✅ restored and verified; the copy is gone and the live database was not touched");
  } catch (e) {
    error = `${(e as Error).message.slice(0, 2000)}. The live database was not touched.`;
    say(`❌ ${error}`);
  } finally {
    clearInterval(beat);
  }
  await c.db.backupCheck.update({
    where: { id },
    data: {
      status: error ? "failed" : "passed",
      finishedAt: new Date(),
      heartbeatAt: new Date(),
      durationMs: Math.round(performance.now() - started),
      detail: detail ?? undefined,
      error,
      log: lines,
    },
  });
  c.log.info({ target: target.name, kind: row.kind, backup: row.backup, error }, "test restore finished");
}

/** Checks left running by a runner that stopped: failed, saying so (the care lock says no one else runs them). */
async function failAbandoned(c: Care, target: Target): Promise<void> {
  const abandoned = await c.db.backupCheck.findMany({ where: { target: target.name, status: "running" } });
  for (const a of abandoned) {
    await c.db.backupCheck.update({
      where: { id: a.id },
      data: {
        status: "failed",
        finishedAt: new Date(),
        error: `the runner doing it (${a.workerId ?? "unknown"}) stopped before it finished; its copy was removed, and the next test restore starts afresh`,
      },
    });
    c.log.warn({ target: target.name, check: a.id }, "test restore abandoned by a stopped runner");
  }
  if (abandoned.length && target.postgres.pitr) await discardUnswappedCopies(target.postgres.pitr.dataDir, "check");
}

/** Scheduled test restores due: each kind's newest backup never tested, tested too long ago, or failed a while ago. */
async function dueChecks(c: Care, target: Target, isBusy: boolean): Promise<{ kind: BackupKind; backup: string }[]> {
  const due: { kind: BackupKind; backup: string }[] = [];
  const everyMs = target.postgres.testRestoreEveryHours * 3_600_000;
  // The same read Checkpoint 1 makes: each kind's newest backup and its newest test restore.
  for (const { kind, newest, check: last } of await backupCare(c.db, target)) {
    if (!newest || (isBusy && kind === "base-backup")) continue;
    if (kind === "base-backup" && missingTools()) continue;
    const age = last ? Date.now() - Date.parse(last.finishedAt ?? last.createdAt) : Infinity;
    if (!last || (last.status === "passed" && age > everyMs) || (last.status === "failed" && age > RETRY_FAILED_MS))
      due.push({ kind, backup: newest.name });
  }
  return due;
}

/** A new base backup when the newest is older than the schedule or from before a swap; old ones beyond keepBaseBackups removed. */
async function baseBackupIfDue(c: Care, target: Target): Promise<void> {
  const pitr = target.postgres.pitr;
  if (!pitr || !pitr.takeBaseBackups || missingTools()) return;
  const backups = listBaseBackups(pitr.baseBackupsDir);
  const newest = backups.at(-1);
  const timeline = await liveTimeline(target.postgres.url).catch(() => null);
  if (timeline === null) return; // the live cluster does not answer: nothing to back up now
  const isStale = !newest || Date.now() - newest.finishedAt.getTime() > pitr.baseBackupEveryHours * 3_600_000;
  const isOtherTimeline = newest?.timeline !== undefined && newest.timeline !== timeline;
  if (!isStale && !isOtherTimeline) return;
  c.log.info(
    { target: target.name, why: isOtherTimeline ? "new timeline (after a swap)" : "schedule" },
    "taking a base backup",
  );
  await takeBaseBackup({ url: target.postgres.url, backupsDir: pitr.baseBackupsDir });
  for (const old of listBaseBackups(pitr.baseBackupsDir).slice(0, -pitr.keepBaseBackups))
    removeBaseBackup(pitr.baseBackupsDir, old.name);
}

/** Replaced data folders and never-swapped copies, once no incident is open and one was resolved after them (or they are old). */
async function removeKeptFolders(c: Care, target: Target): Promise<void> {
  const pitr = target.postgres.pitr;
  if (!pitr) return;
  const kept = retiredDataDirs(pitr.dataDir);
  if (!kept.length) return;
  const open = await c.db.incident.count({ where: { target: target.name, resolvedAt: null, isDrill: false } });
  if (open) return;
  const resolved = await c.db.incident.findFirst({
    where: { target: target.name, resolvedAt: { not: null }, isDrill: false },
    orderBy: { resolvedAt: "desc" },
    select: { resolvedAt: true },
  });
  for (const dir of kept) {
    const madeAt = fs.statSync(dir).mtime;
    const isOld = Date.now() - madeAt.getTime() > pitr.keepReplacedHours * 3_600_000;
    if (!isOld && !(resolved?.resolvedAt && resolved.resolvedAt > madeAt)) continue;
    fs.rmSync(dir, { recursive: true, force: true });
    c.log.info({ target: target.name, folder: path.basename(dir) }, "removed a replaced data folder");
  }
  await discardUnswappedCopies(pitr.dataDir);
}

/** One pass of care over one target: what is asked, then what is due. */
export async function careForTarget(c: Care, target: Target): Promise<boolean> {
  return withCareLock(c, target.name, async () => {
    await failAbandoned(c, target);
    for (;;) {
      const asked = await c.db.backupCheck.findFirst({
        where: { target: target.name, status: "queued" },
        orderBy: { createdAt: "asc" },
      });
      if (!asked || c.signal.aborted) break;
      await runCheck(c, target, asked.id);
    }
    const isBusy = (await c.db.targetLock.count({ where: { target: target.name } })) > 0;
    if (!isBusy && !c.signal.aborted)
      await baseBackupIfDue(c, target).catch((e: Error) =>
        c.log.warn({ target: target.name, err: e.message }, "base backup failed; tried again on the next pass"),
      );
    for (const d of await dueChecks(c, target, isBusy)) {
      if (c.signal.aborted) break;
      const row = await c.db.backupCheck.create({
        data: { target: target.name, kind: d.kind, backup: d.backup, trigger: "schedule" },
      });
      await runCheck(c, target, row.id);
    }
    if (!isBusy && !c.signal.aborted) await removeKeptFolders(c, target);
  });
}
