import { describe, expect, it } from "vitest";
import {
  backupFor,
  estimateRestore,
  newestCommitIn,
  recoverableRange,
  unreachableReason,
  type BaseBackup,
} from "../../../lib/pitr/range";

const at = (iso: string) => new Date(iso);
const backup = (name: string, finished: string, bytes = 100 * 1024 * 1024): BaseBackup => ({
  name,
  startedAt: new Date(at(finished).getTime() - 5_000),
  finishedAt: at(finished),
  bytes,
});
const backups = [backup("b2", "2026-12-07T10:00:00Z"), backup("b1", "2026-12-07T08:00:00Z")];
const wal = { segments: 40, bytes: 40 * 16 * 1024 * 1024, newestCommitAt: at("2026-12-07T10:30:00.250Z") };
const now = at("2026-12-07T10:31:00Z");

describe("the recoverable range", () => {
  it("runs from the oldest base backup's end to the newest archived commit", () => {
    expect(recoverableRange(backups, wal)).toEqual({
      from: at("2026-12-07T08:00:00Z"),
      to: at("2026-12-07T10:30:00.250Z"),
      backups: 2,
    });
  });

  it("is nothing without a base backup, or without a commit archived after one", () => {
    expect(recoverableRange([], wal)).toBeNull();
    expect(recoverableRange(backups, { ...wal, newestCommitAt: null })).toBeNull();
    expect(recoverableRange(backups, { ...wal, newestCommitAt: at("2026-12-07T07:00:00Z") })).toBeNull();
  });

  it("refuses a moment outside it, naming the range; in the future; or not a moment at all", () => {
    const range = recoverableRange(backups, wal);
    expect(unreachableReason(range, at("2026-12-07T09:15:02.418Z"), now)).toBeNull();
    expect(unreachableReason(range, at("2026-12-07T07:59:59Z"), now)).toBe(
      "2026-12-07 07:59:59.000 UTC is before the oldest base backup: the recoverable range is 2026-12-07 08:00:00.000 UTC to 2026-12-07 10:30:00.250 UTC",
    );
    // After the newest archived commit and before now: replay would never reach it (barman #926).
    expect(unreachableReason(range, at("2026-12-07T10:30:30Z"), now)).toMatch(
      /is after the newest archived commit: the recoverable range is .* to 2026-12-07 10:30:00.250 UTC$/,
    );
    expect(unreachableReason(range, at("2026-12-07T11:00:00Z"), now)).toMatch(/is in the future/);
    expect(unreachableReason(range, new Date("yesterday"), now)).toMatch(/not a moment/);
    expect(unreachableReason(null, at("2026-12-07T09:00:00Z"), now)).toMatch(/no base backup/);
  });
});

describe("a restore's estimate", () => {
  it("starts from the newest backup finished by the moment", () => {
    expect(backupFor(backups, at("2026-12-07T09:00:00Z"))?.name).toBe("b1");
    expect(backupFor(backups, at("2026-12-07T10:00:00Z"))?.name).toBe("b2");
    expect(backupFor(backups, at("2026-12-07T07:00:00Z"))).toBeUndefined();
  });

  it("adds the copy and the replay at the measured rates, and counts the minutes of writes undone", () => {
    const e = estimateRestore({
      backup: backup("b", "2026-12-07T10:00:00Z", 200 * 1024 * 1024),
      walBytesToReplay: 64 * 1024 * 1024,
      rates: { copyBytesPerSecond: 100 * 1024 * 1024, replayBytesPerSecond: 32 * 1024 * 1024 },
      at: at("2026-12-07T10:15:30Z"),
      now,
    });
    expect(e).toEqual({ copyMs: 2_000, replayMs: 2_000, totalMs: 4_000, minutesUndone: 15.5 });
  });
});

describe("the newest commit in pg_waldump's output", () => {
  it("is the latest COMMIT record's time, to the millisecond (never later than the commit)", () => {
    const out = [
      "rmgr: Transaction len (rec/tot):     34/    34, tx:        750, lsn: 0/030000A0, prev 0/03000060, desc: COMMIT 2026-12-07 16:31:02.123456 UTC",
      "rmgr: Transaction len (rec/tot):     34/    34, tx:        751, lsn: 0/03000100, prev 0/030000A0, desc: COMMIT 2026-12-07 16:31:05.999999 UTC",
      "rmgr: Transaction len (rec/tot):     34/    34, tx:        749, lsn: 0/03000040, prev 0/03000010, desc: ABORT 2026-12-07 16:31:09.000000 UTC",
      "pg_waldump: error: error in WAL record at 0/3000160: invalid record length",
    ].join("\n");
    expect(newestCommitIn(out)).toEqual(at("2026-12-07T16:31:05.999Z"));
    expect(newestCommitIn("desc: COMMIT 2026-12-07 17:31:05.5 +01")).toEqual(at("2026-12-07T16:31:05.500Z"));
    expect(newestCommitIn("desc: RUNNING_XACTS nextXid 752")).toBeNull();
  });
});
