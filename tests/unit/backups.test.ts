import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BACKUP_RE, humanSize, listBackups } from "@/lib/target-ops/backups";

// plan §11.2 reports a backup's size the way `du -h` does.
describe("humanSize", () => {
  const K = 1024;
  const cases: [bytes: number, expected: string][] = [
    [0, "0B"],
    [1, "1B"],
    [1023, "1023B"],
    [K, "1.0K"],
    [1536, "1.5K"],
    [10 * K, "10K"],
    [500 * K, "500K"],
    [K * K, "1.0M"],
    [5.5 * K * K, "5.5M"],
    [150 * K * K, "150M"],
    [K * K * K, "1.0G"],
    [12 * K * K * K, "12G"],
    [2048 * K * K * K, "2048G"], // G is the largest unit
  ];

  it.each(cases)("%d bytes → %s", (bytes, expected) => {
    expect(humanSize(bytes)).toBe(expected);
  });
});

describe("BACKUP_RE", () => {
  const accepted = [
    "backup_20251107_101500.sql.gz",
    "backup_before_rollback_20251107_101500.sql.gz",
    "backup_20251107_101500_2.sql.gz",
    "backup_before_restore_20251107_101500_12.sql.gz",
    "backup_before_data_rollback_20251107_101500.sql.gz",
    "backup_20251107_101500.sql",
  ];
  const rejected = [
    "",
    "../x",
    "../backup_20251107_101500.sql.gz",
    "/srv/data/demo/backups/backup_20251107_101500.sql.gz",
    "backup_x.sql.gz",
    "backup_20251107_101500.sql.gz.partial",
    "backup_20251107.sql.gz",
    "backup_2025117_101500.sql.gz",
    "backup_20251107_10150.sql.gz",
    "backup_20251107_101500_.sql.gz",
    "backup_20251107_101500_x.sql.gz",
    "backup_20251107_101500.tar.gz",
    "backup_20251107_101500.sql.zip",
    "Backup_20251107_101500.sql.gz",
    "backup_Before_20251107_101500.sql.gz",
    "backup_before-restore_20251107_101500.sql.gz",
    "xbackup_20251107_101500.sql.gz",
    "backup_20251107_101500.sql.gz; rm -rf /",
    "backup_20251107_101500.sql.gz\n",
    "backup_ 20251107_101500.sql.gz",
  ];

  it.each(accepted.map((n) => [n]))("accepts %j", (name) => {
    expect(BACKUP_RE.test(name)).toBe(true);
  });

  it.each(rejected.map((n) => [n]))("rejects %j", (name) => {
    expect(BACKUP_RE.test(name)).toBe(false);
  });
});

describe("listBackups", () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "backout-backups-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Writes `name` with `bytes` bytes, last modified at `mtime`. */
  function write(name: string, bytes: number, mtime: string) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, Buffer.alloc(bytes, 1));
    fs.utimesSync(file, new Date(mtime), new Date(mtime));
  }

  it("lists newest first by modification time, like ls -t", () => {
    // Name order and time order disagree on purpose: the time decides.
    write("backup_20251107_101500.sql.gz", 30, "2025-11-07T12:00:00Z");
    write("backup_before_rollback_20251106_090000.sql.gz", 20, "2025-11-07T13:00:00Z");
    write("backup_20251108_080000.sql.gz", 10, "2025-11-07T11:00:00Z");

    expect(listBackups(dir)).toEqual([
      {
        name: "backup_before_rollback_20251106_090000.sql.gz",
        file: path.join(dir, "backup_before_rollback_20251106_090000.sql.gz"),
        bytes: 20,
        createdAt: "2025-11-07T13:00:00.000Z",
      },
      {
        name: "backup_20251107_101500.sql.gz",
        file: path.join(dir, "backup_20251107_101500.sql.gz"),
        bytes: 30,
        createdAt: "2025-11-07T12:00:00.000Z",
      },
      {
        name: "backup_20251108_080000.sql.gz",
        file: path.join(dir, "backup_20251108_080000.sql.gz"),
        bytes: 10,
        createdAt: "2025-11-07T11:00:00.000Z",
      },
    ]);
  });

  it("breaks a tie in modification time by the name's timestamp, newest first", () => {
    write("backup_20251107_101500.sql.gz", 1, "2025-11-07T12:00:00Z");
    write("backup_20251107_111500.sql.gz", 1, "2025-11-07T12:00:00Z");
    write("backup_20251106_235959.sql.gz", 1, "2025-11-07T12:00:00Z");
    expect(listBackups(dir).map((b) => b.name)).toEqual([
      "backup_20251107_111500.sql.gz",
      "backup_20251107_101500.sql.gz",
      "backup_20251106_235959.sql.gz",
    ]);
  });

  it("ignores files that are not backups, including unfinished ones", () => {
    write("backup_20251107_101500.sql.gz", 1, "2025-11-07T12:00:00Z");
    write("backup_20251107_111500.sql.gz.partial", 1, "2025-11-07T14:00:00Z");
    write("backup_x.sql.gz", 1, "2025-11-07T14:00:00Z");
    write("notes.txt", 1, "2025-11-07T14:00:00Z");
    expect(listBackups(dir).map((b) => b.name)).toEqual(["backup_20251107_101500.sql.gz"]);
  });

  it("returns [] for an empty directory", () => {
    expect(listBackups(dir)).toEqual([]);
  });

  it("returns [] for a directory that does not exist", () => {
    expect(listBackups(path.join(dir, "missing"))).toEqual([]);
  });
});
