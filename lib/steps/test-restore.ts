import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import type { StepContext } from "./context";
import { adminQuery, dbName, loadInto, quoteIdent, withDb } from "./executors/postgres";
import { discardUnswappedCopies, readTables, readWalArchive, restoreBeside, stopCluster } from "../target-ops/pitr";
import type { BaseBackup } from "../pitr/range";
import type { TestRestoreDetail } from "../schemas/backup-checks";

// A test restore (issue 17): a backup put back where it cannot hurt, the target's verification
// queries run on what came back, then thrown away. A dump goes into a scratch database on the
// target's server; a base backup is restored beside the live cluster (with the archived WAL up to
// the newest commit, so the archive is tested too) on a free port. The live database is never touched.

type Verify = { tables: readonly string[]; queries: readonly { name: string; sql: string }[] };
type Options = Verify & { signal: AbortSignal; say: (line: string) => void };

/** The queries run on what came back, each timed; one that errors fails the test restore. */
async function verifyOn(url: string, v: Verify, say: (line: string) => void) {
  const started = performance.now();
  const tables = (await readTables(url, v.tables)).map((t, i) => ({ table: v.tables[i]!, ...t }));
  for (const t of tables) say(`${t.table}: ${t.rows} rows, newest ${t.newest ?? "—"}`);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, statement_timeout: 60_000 });
  await client.connect();
  const queries: TestRestoreDetail["queries"] = [];
  try {
    for (const q of v.queries) {
      const t = performance.now();
      const res = await client.query(q.sql).catch((e: Error) => {
        throw new Error(`verification query "${q.name}" failed on the restored copy: ${e.message}`);
      });
      queries.push({ name: q.name, rows: res.rowCount ?? res.rows.length, ms: Math.round(performance.now() - t) });
      say(`${q.name}: ${res.rowCount ?? res.rows.length} rows`);
    }
  } finally {
    await client.end().catch(() => {});
  }
  return { tables, queries, verifyMs: Math.round(performance.now() - started) };
}

/** The newest dump loaded into a scratch database beside the target's, verified, dropped. */
export async function testRestoreDump(
  opts: Options & { databaseUrl: string; file: string },
): Promise<TestRestoreDetail> {
  const scratch = `${dbName(opts.databaseUrl)}_check_${crypto.randomBytes(3).toString("hex")}`;
  const url = withDb(opts.databaseUrl, scratch);
  let lastError = "";
  const ctx: StepContext = {
    signal: opts.signal,
    output: (stream, line) => {
      if (stream === "stdout") return;
      // psql's first ERROR line names the fault (the lines after it quote the SQL and point at it).
      if (stream === "stderr" && !lastError && /\b(ERROR|FATAL):/.test(line)) lastError = line.trim();
      opts.say(line);
    },
    progress: () => {},
  };
  opts.say(`loading ${path.basename(opts.file)} into the scratch database ${scratch}`);
  const started = performance.now();
  await adminQuery(opts.databaseUrl, `CREATE DATABASE ${quoteIdent(scratch)}`);
  try {
    // psql's own words say what is wrong with the dump; its exit code does not.
    await loadInto(url, opts.file, ctx).catch((e: Error) => {
      throw new Error(lastError ? `${path.basename(opts.file)} does not load: ${lastError}` : e.message);
    });
    const restoreMs = Math.round(performance.now() - started);
    opts.say(`loaded in ${(restoreMs / 1000).toFixed(1)} s; verifying`);
    return { restoreMs, ...(await verifyOn(url, opts, opts.say)) };
  } finally {
    await adminQuery(opts.databaseUrl, `DROP DATABASE IF EXISTS ${quoteIdent(scratch)} WITH (FORCE)`).catch(() => {});
    opts.say(`dropped ${scratch}`);
  }
}

/** A port nobody listens on now, from the kernel. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The newest base backup restored beside the live cluster (`<dataDir>.check-<id>`), replayed to the
 * newest archived commit, verified, stopped and removed. Copies an earlier check left (its runner
 * killed) are removed first.
 */
export async function testRestoreBaseBackup(
  opts: Options & {
    databaseUrl: string;
    pitr: { archiveDir: string; baseBackupsDir: string; dataDir: string };
    backup: BaseBackup;
    id: string;
  },
): Promise<TestRestoreDetail> {
  for (const gone of await discardUnswappedCopies(opts.pitr.dataDir, "check"))
    opts.say(`removed a test copy an earlier check left: ${gone}`);
  const wal = await readWalArchive(opts.pitr.archiveDir);
  const at = wal.newestCommitAt && wal.newestCommitAt > opts.backup.finishedAt ? wal.newestCommitAt : "consistent";
  const copyDir = `${opts.pitr.dataDir}.check-${opts.id.slice(0, 8)}`;
  const port = await freePort();
  opts.say(
    `restoring ${opts.backup.name} beside the live cluster into ${copyDir} (port ${port}), up to ${at === "consistent" ? "its first consistent moment (no commit archived after it yet)" : `the newest archived commit, ${at.toISOString()}`}`,
  );
  const started = performance.now();
  const copy = await restoreBeside({
    backupsDir: opts.pitr.baseBackupsDir,
    backup: opts.backup,
    archiveDir: opts.pitr.archiveDir,
    dataDir: copyDir,
    port,
    at,
    signal: opts.signal,
  });
  try {
    const restoreMs = Math.round(performance.now() - started);
    const m = copy.measured;
    opts.say(
      `restored in ${(restoreMs / 1000).toFixed(1)} s (copy ${(m.copyMs / 1000).toFixed(1)} s, ${m.walBytes} bytes of WAL replayed in ${(m.replayMs / 1000).toFixed(1)} s); verifying`,
    );
    const u = new URL(opts.databaseUrl);
    u.hostname = "127.0.0.1";
    u.port = String(port);
    return {
      restoreMs,
      replay: {
        copyMs: m.copyMs,
        replayMs: m.replayMs,
        walBytes: m.walBytes,
        backupBytes: opts.backup.bytes,
        until: at === "consistent" ? null : at.toISOString(),
      },
      ...(await verifyOn(u.toString(), opts, opts.say)),
    };
  } finally {
    await stopCluster(copyDir).catch(() => {});
    fs.rmSync(copyDir, { recursive: true, force: true });
    opts.say(`stopped and removed ${copyDir}`);
  }
}
