// Point-in-time recovery (issue 17, plan §5.1 method 3), the arithmetic: what a target's base
// backups and archived WAL can reach, whether a chosen moment is inside it, and how long a restore
// to it should take. Pure: the facts are read in lib/target-ops/pitr.ts.

/** A base backup Backout took (pg_basebackup), as its own record of it says. */
export type BaseBackup = {
  name: string;
  /** When pg_basebackup began and ended: the copy is consistent from its end on. */
  startedAt: Date;
  finishedAt: Date;
  bytes: number;
  /** The timeline it was taken on (its backup_label); a swap starts a new one, and wants a new base backup. */
  timeline?: number;
};

/** What the WAL archive holds: its segments' total size, and the newest commit recorded in them. */
export type WalArchive = { segments: number; bytes: number; newestCommitAt: Date | null };

export type RecoverableRange = { from: Date; to: Date; backups: number };

/**
 * From the oldest base backup's end (the first moment a copy is consistent) to the newest commit
 * in the archived WAL (replay can go no further: a later target is never reached, and the server
 * would not start). Null when there is no backup, or no archived commit after one.
 */
export function recoverableRange(backups: readonly BaseBackup[], wal: WalArchive): RecoverableRange | null {
  if (!backups.length || !wal.newestCommitAt) return null;
  const from = new Date(Math.min(...backups.map((b) => b.finishedAt.getTime())));
  if (wal.newestCommitAt < from) return null;
  return { from, to: wal.newestCommitAt, backups: backups.length };
}

/** Why a target offers no point-in-time recovery, and how to declare it. */
export const pitrNotDeclared = (target: string) =>
  `${target} declares no point-in-time recovery: add "pitr": { "archiveDir", "baseBackupsDir", "dataDir" } under "postgres" in targets.json`;

/** How a moment is written for people: UTC to the millisecond, as the incident timeline shows it. */
export const formatMoment = (d: Date) => d.toISOString().replace("T", " ").replace("Z", " UTC");

/**
 * Why `at` cannot be restored to, naming the range, or null when it can: in the future, before the
 * oldest base backup's end, or after the newest archived commit.
 */
export function unreachableReason(range: RecoverableRange | null, at: Date, now: Date): string | null {
  if (Number.isNaN(at.getTime())) return "not a moment: give an ISO 8601 time such as 2026-12-07T10:02:13.418Z";
  if (at > now) return `${formatMoment(at)} is in the future: choose a moment before now (${formatMoment(now)})`;
  if (!range) return "nothing to restore from yet: no base backup with archived WAL after it";
  const span = `${formatMoment(range.from)} to ${formatMoment(range.to)}`;
  if (at < range.from) return `${formatMoment(at)} is before the oldest base backup: the recoverable range is ${span}`;
  if (at > range.to) return `${formatMoment(at)} is after the newest archived commit: the recoverable range is ${span}`;
  return null;
}

/** The base backup a restore to `at` starts from: the newest one finished by then. */
export function backupFor(backups: readonly BaseBackup[], at: Date): BaseBackup | undefined {
  return [...backups]
    .filter((b) => b.finishedAt <= at)
    .sort((a, b) => b.finishedAt.getTime() - a.finishedAt.getTime())[0];
}

/** Measured rates (bytes per second): copying a base backup, and replaying WAL. */
export type RestoreRates = { copyBytesPerSecond: number; replayBytesPerSecond: number };

/**
 * The estimate shown before a restore starts: the copy of the base backup and the replay of the
 * WAL written since it, at the rates measured on this host; and how many minutes of writes the
 * restore undoes (from the moment to now).
 */
export function estimateRestore(input: {
  backup: BaseBackup;
  walBytesToReplay: number;
  rates: RestoreRates;
  at: Date;
  now: Date;
}): { copyMs: number; replayMs: number; totalMs: number; minutesUndone: number } {
  const copyMs = Math.round((input.backup.bytes / Math.max(1, input.rates.copyBytesPerSecond)) * 1000);
  const replayMs = Math.round((input.walBytesToReplay / Math.max(1, input.rates.replayBytesPerSecond)) * 1000);
  return {
    copyMs,
    replayMs,
    totalMs: copyMs + replayMs,
    minutesUndone: Math.max(0, Math.round(((input.now.getTime() - input.at.getTime()) / 60_000) * 10) / 10),
  };
}

/**
 * The newest commit time in `pg_waldump` output ("desc: COMMIT 2026-12-07 16:31:02.123456 UTC"),
 * or null when the WAL it read records none.
 */
export function newestCommitIn(waldump: string): Date | null {
  let newest: Date | null = null;
  for (const m of waldump.matchAll(
    /desc: COMMIT (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) (UTC|[+-]\d\d(?::?\d\d)?)/g,
  )) {
    const [date, time] = m[1]!.split(" ");
    const [whole, fraction = ""] = time!.split(".");
    // Milliseconds only: JavaScript's Date holds no finer; a commit at .123456 is reachable at .123.
    const zone = m[2] === "UTC" ? "Z" : m[2]!.length === 3 ? `${m[2]}:00` : m[2]!;
    const at = new Date(`${date}T${whole}.${fraction.padEnd(3, "0").slice(0, 3)}${zone}`);
    if (!newest || at > newest) newest = at;
  }
  return newest;
}
