import "server-only";
import type Redis from "ioredis";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { keys } from "../redis";
import { listBackups } from "../target-ops/backups";
import { listBaseBackups } from "../target-ops/pitr";
import type { Target } from "../targets/schema";
import type {
  BackupCare,
  BackupCheckStatus,
  BackupCheckView,
  BackupKind,
  TestRestoreDetail,
} from "../schemas/backup-checks";

// Test restores' records (issue 17): asked for by a person or by the schedule, run by a runner of
// the target's pool (lib/backup-checks/care.ts), read by Checkpoint 1 and the target page.

type Row = Awaited<ReturnType<Db["backupCheck"]["findFirstOrThrow"]>>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function checkView(r: Row): BackupCheckView {
  return {
    id: r.id,
    kind: r.kind as BackupKind,
    backup: r.backup,
    trigger: r.trigger as BackupCheckView["trigger"],
    requestedBy: r.requestedBy,
    status: r.status as BackupCheckStatus,
    createdAt: r.createdAt.toISOString(),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    durationMs: r.durationMs,
    detail: (r.detail as TestRestoreDetail | null) ?? null,
    error: r.error,
    log: Array.isArray(r.log) ? (r.log as string[]) : [],
  };
}

/** The newest backup of each kind the target has (a dump always may; a base backup when it declares PITR). */
export function newestBackups(target: Target): { kind: BackupKind; newest: BackupCare["newest"] }[] {
  const dump = listBackups(target.postgres.backupDir)[0];
  const out: { kind: BackupKind; newest: BackupCare["newest"] }[] = [
    { kind: "dump", newest: dump ? { name: dump.name, at: dump.createdAt, bytes: dump.bytes } : null },
  ];
  const pitr = target.postgres.pitr;
  if (pitr) {
    const base = listBaseBackups(pitr.baseBackupsDir).at(-1);
    out.push({
      kind: "base-backup",
      newest: base ? { name: base.name, at: base.finishedAt.toISOString(), bytes: base.bytes } : null,
    });
  }
  return out;
}

/** Per kind: the newest backup and the newest test restore of exactly that backup. */
export async function backupCare(db: Db, target: Target): Promise<BackupCare[]> {
  return Promise.all(
    newestBackups(target).map(async ({ kind, newest }) => {
      const row = newest
        ? await db.backupCheck.findFirst({
            where: { target: target.name, kind, backup: newest.name },
            orderBy: { createdAt: "desc" },
          })
        : null;
      return { kind, newest, check: row ? checkView(row) : null };
    }),
  );
}

export async function listChecks(db: Db, target: string, take = 20): Promise<BackupCheckView[]> {
  const rows = await db.backupCheck.findMany({ where: { target }, orderBy: { createdAt: "desc" }, take });
  return rows.map(checkView);
}

/**
 * A test restore of the target's newest backup of `kind`, asked for now: queued for a runner of its
 * pool, which is told at once. A 422 when there is no such backup; a 409 naming the one already
 * queued or running.
 */
export async function requestTestRestore(
  db: Db,
  redis: Redis,
  opts: { target: Target; kind: BackupKind; requestedBy: string },
): Promise<BackupCheckView> {
  const { target, kind } = opts;
  const found = newestBackups(target).find((b) => b.kind === kind);
  if (!found)
    throw new AppError("UNPROCESSABLE", `${target.name} has no base backups: it declares no point-in-time recovery`, {
      issues: [{ path: "kind", message: `use "dump": ${target.name} declares no point-in-time recovery` }],
    });
  if (!found.newest)
    throw new AppError(
      "UNPROCESSABLE",
      kind === "dump"
        ? `${target.name} has no database dump to test: take one first (the "Back up the database" runbook)`
        : `${target.name} has no base backup to test yet: one is taken at start-up and on its schedule`,
      { issues: [{ path: "kind", message: `no ${kind} exists yet` }] },
    );
  const row = await db.$transaction(async (tx) => {
    // One at a time per target and kind: a second ask names the first.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`backup-check:${target.name}:${kind}`}))`;
    const pending = await tx.backupCheck.findFirst({
      where: { target: target.name, kind, status: { in: ["queued", "running"] } },
    });
    if (pending)
      throw new AppError(
        "CONFLICT",
        `a test restore of ${pending.backup} is already ${pending.status}: wait for it (the target page shows its progress)`,
        { details: { checkId: pending.id } },
      );
    return tx.backupCheck.create({
      data: { target: target.name, kind, backup: found.newest!.name, trigger: "manual", requestedBy: opts.requestedBy },
    });
  });
  await redis.publish(keys.backupChecks(), target.runnerPool).catch(() => {});
  return checkView(row);
}

/**
 * The WAL replay rate the newest passed test restore of a base backup measured here (bytes per
 * second, server start-up included, so it errs slow), when it replayed enough to say (1 MiB).
 */
export async function measuredReplayRate(
  db: Db,
  target: string,
): Promise<{ bytesPerSecond: number; at: string } | undefined> {
  const rows = await db.backupCheck.findMany({
    where: { target, kind: "base-backup", status: "passed" },
    orderBy: { finishedAt: "desc" },
    take: 10,
  });
  for (const r of rows) {
    const replay = (r.detail as TestRestoreDetail | null)?.replay;
    if (replay && replay.walBytes >= 1024 * 1024 && replay.replayMs > 0)
      return { bytesPerSecond: replay.walBytes / (replay.replayMs / 1000), at: r.finishedAt!.toISOString() };
  }
  return undefined;
}
