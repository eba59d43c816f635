// Point-in-time recovery against the plain dump restore (issue 17), on a cluster of the bench's own
// (initdb, WAL archiving on; the demo's is not touched): a database of BENCH_PITR_MB (default
// 1024 MiB), a base backup, BENCH_PITR_WAL_MB (default 256 MiB) of writes archived after it, then a
// restore beside the live cluster to a moment just before the last writes, the copy compared with
// the live database, and, for the same data, Backout's dump restore (pg_dump | gzip, then psql into
// a new database). Every step is PostgreSQL's own tools, as the runbooks use them.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import pg from "pg";
import {
  compareCopies,
  listBaseBackups,
  ownedFolder,
  pgTool,
  restoreBeside,
  runPgTool,
  stopCluster,
  takeBaseBackup,
  walBytesSince,
} from "../lib/target-ops/pitr";
import { serviceDirPath } from "../scripts/stack-env";

const PORT = 5470;
// About 1 KiB of random hex a row (eight SHA-512s of random numbers): gzip halves it, as it does real data.
const RANDOM_KIB = Array.from({ length: 8 }, () => "encode(sha512(random()::text::bytea), 'hex')").join(" || ");
const now = () => performance.now();
const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function q(url: string, sql: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

/** A child process's end, rejecting on a non-zero exit. */
function exited(child: ReturnType<typeof spawn>, what: string) {
  return new Promise<void>((resolve, reject) => {
    let err = "";
    child.stderr?.on("data", (b: Buffer) => (err += b.toString()));
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${what} exited ${code}: ${err.slice(-500)}`)),
    );
  });
}

export type PitrBench = {
  dbBytes: number;
  walBytes: number;
  baseBackupMs: number;
  restoreMs: number;
  copyMs: number;
  replayMs: number;
  compareMs: number;
  dumpMs: number;
  dumpBytes: number;
  dumpRestoreMs: number;
};

export async function benchPitr(): Promise<PitrBench> {
  const sizeMb = Number(process.env.BENCH_PITR_MB ?? 1024);
  const walMb = Number(process.env.BENCH_PITR_WAL_MB ?? 256);
  const root = serviceDirPath("pitr-bench");
  const dir = { live: path.join(root, "live"), wal: path.join(root, "wal"), base: path.join(root, "base") };
  const live = `postgresql://postgres@127.0.0.1:${PORT}/postgres`;
  await stopCluster(dir.live).catch(() => {});
  for (const f of fs.existsSync(root) ? fs.readdirSync(root) : [])
    if (f.startsWith("live.restore-")) await stopCluster(path.join(root, f)).catch(() => {});
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  fs.chmodSync(root, 0o755);
  await ownedFolder(dir.live);
  await ownedFolder(dir.wal);
  await ownedFolder(dir.base, 0o755);
  await runPgTool("initdb", ["-D", dir.live, "-U", "postgres", "--auth=trust", "--no-sync"]);
  fs.appendFileSync(
    path.join(dir.live, "postgresql.auto.conf"),
    `\nport = ${PORT}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${dir.live}'\nwal_level = replica\narchive_mode = on\narchive_command = 'cp "%p" "${dir.wal}/%f"'\nmax_wal_size = 4GB\n`,
  );
  await runPgTool("pg_ctl", ["-D", dir.live, "-l", path.join(dir.live, "live.log"), "-w", "start"]);
  try {
    // About 1.2 KiB a row on disk, as random as hex text is (gzip halves it, as it does real data).
    await q(live, "CREATE TABLE big (id bigserial PRIMARY KEY, pad text, at timestamptz DEFAULT clock_timestamp())");
    const rows = Math.round((sizeMb * 2 ** 20) / 1250);
    for (let done = 0; done < rows; done += 200_000)
      await q(
        live,
        `INSERT INTO big (pad) SELECT ${RANDOM_KIB} FROM generate_series(1, ${Math.min(200_000, rows - done)}) g`,
      );
    await q(live, "CHECKPOINT");
    const dbBytes = Number((await q(live, "SELECT pg_database_size('postgres') AS b"))[0].b);

    let t = now();
    const backup = await takeBaseBackup({ url: live, backupsDir: dir.base });
    const baseBackupMs = now() - t;

    // Writes after the backup, archived: what replay goes through.
    await q(live, "CREATE TABLE writes (id bigserial PRIMARY KEY, pad text, at timestamptz DEFAULT clock_timestamp())");
    while (walBytesSince(dir.wal, backup.startedAt) < walMb * 2 ** 20) {
      await q(live, "INSERT INTO writes (pad) SELECT repeat(md5(g::text), 32) FROM generate_series(1, 20000) g");
      await q(live, "SELECT pg_switch_wal()");
      await new Promise((r) => setTimeout(r, 50));
    }
    const walBytes = walBytesSince(dir.wal, backup.startedAt);
    await new Promise((r) => setTimeout(r, 100));
    const moment = new Date();
    await new Promise((r) => setTimeout(r, 100));
    await q(live, "INSERT INTO writes (pad) SELECT 'after the moment' FROM generate_series(1, 100)");
    const w = (await q(live, "SELECT pg_walfile_name(pg_switch_wal()) AS w"))[0].w as string;
    for (let i = 0; i < 600; i++) {
      const last = (await q(live, "SELECT last_archived_wal AS w FROM pg_stat_archiver"))[0].w as string | null;
      if (last && last >= w) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    let replayStartedAt = 0;
    t = now();
    const copy = await restoreBeside({
      backupsDir: dir.base,
      backup: listBaseBackups(dir.base)[0]!,
      archiveDir: dir.wal,
      dataDir: path.join(root, "live.restore-bench"),
      port: PORT + 1,
      at: moment,
      onProgress: (p) => {
        // The copy ends with "base backup copied"; the rest is PostgreSQL replaying and promoting.
        if (!replayStartedAt && (p.phase === "replay" || p.message.startsWith("base backup copied")))
          replayStartedAt = now();
      },
    });
    const restoreMs = now() - t;
    const copyMs = (replayStartedAt || now()) - t;
    t = now();
    const comparison = await compareCopies({
      liveUrl: live,
      copyUrl: copy.url,
      tables: ["big", "writes"],
      queries: [],
    });
    const compareMs = now() - t;
    if (comparison.tables[1]!.rowsDifference !== -100)
      throw new Error(`the copy should lack the 100 rows after the moment: ${JSON.stringify(comparison.tables)}`);
    await copy.stop();

    // Backout's dump restore of the same data: pg_dump | gzip, then gunzip | psql into a new database.
    const file = path.join(root, "dump.sql.gz");
    t = now();
    const dump = spawn(pgTool("pg_dump")!, ["--no-owner", "--no-privileges", "-d", live], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    await Promise.all([pipeline(dump.stdout!, zlib.createGzip(), fs.createWriteStream(file)), exited(dump, "pg_dump")]);
    const dumpMs = now() - t;
    await q(live, "CREATE DATABASE restored");
    t = now();
    const psql = spawn(
      pgTool("psql")!,
      ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", live.replace(/\/postgres$/, "/restored")],
      {
        stdio: ["pipe", "ignore", "pipe"],
      },
    );
    await Promise.all([pipeline(fs.createReadStream(file), zlib.createGunzip(), psql.stdin!), exited(psql, "psql")]);
    const dumpRestoreMs = now() - t;
    return {
      dbBytes,
      walBytes,
      baseBackupMs,
      restoreMs,
      copyMs,
      replayMs: restoreMs - copyMs,
      compareMs,
      dumpMs,
      dumpBytes: fs.statSync(file).size,
      dumpRestoreMs,
    };
  } finally {
    await stopCluster(path.join(root, "live.restore-bench")).catch(() => {});
    await stopCluster(dir.live).catch(() => {});
    fs.rmSync(root, { recursive: true, force: true });
  }
}

export function printPitrBench(r: PitrBench) {
  console.log(`   database ${mib(r.dbBytes)}, ${mib(r.walBytes)} of WAL archived after the base backup`);
  console.log(`   base backup (pg_basebackup): ${s(r.baseBackupMs)}`);
  console.log(
    `   point-in-time restore beside the live cluster: ${s(r.restoreMs)} (copy ${s(r.copyMs)}, replay and promote ${s(r.replayMs)}); side-by-side comparison ${s(r.compareMs)}`,
  );
  console.log(
    `   dump restore of the same data: pg_dump | gzip ${s(r.dumpMs)} (${mib(r.dumpBytes)}), gunzip | psql into a new database ${s(r.dumpRestoreMs)}`,
  );
}
