import "server-only";
import { execFile } from "node:child_process";
import os from "node:os";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import crypto from "node:crypto";
import { pipeline } from "node:stream/promises";
import { PassThrough } from "node:stream";
import pg from "pg";
import { runProcess } from "../spawn";
import { StepFailure, throwIfAborted, type StepContext, type StepResult } from "../context";
import type { StepOf } from "../schema";
import { humanSize, listBackups } from "../../target-ops/backups";

function timestamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export function dbName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

export function withDb(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDb(url, "postgres") });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

async function backup(spec: StepOf<"postgres">, ctx: StepContext): Promise<StepResult> {
  const dir = spec.backupDir!;
  fs.mkdirSync(dir, { recursive: true });
  const base = `backup_${spec.backupLabel ? `${spec.backupLabel}_` : ""}${timestamp()}`;
  let file = path.join(dir, `${base}.sql.gz`);
  for (let i = 2; fs.existsSync(file); i++) file = path.join(dir, `${base}_${i}.sql.gz`);
  ctx.output("info", `Creating database backup: ${file}`);
  const partial = `${file}.partial`;
  const gzip = zlib.createGzip();
  const out = fs.createWriteStream(partial);
  const written = pipeline(gzip, out);
  written.catch(() => {}); // observed below; never an unhandled rejection that kills the worker
  try {
    await runProcess(
      { argv: ["pg_dump", "--no-owner", "--no-privileges", "-d", spec.databaseUrl], stdoutTo: gzip },
      ctx,
    );
    await written;
  } catch (e) {
    gzip.destroy();
    await written.catch(() => {});
    fs.rmSync(partial, { force: true });
    throw e;
  }
  // Written under a temporary name first so a crash never leaves a truncated "backup".
  fs.renameSync(partial, file);
  const bytes = fs.statSync(file).size;
  ctx.output("info", "✅ Backup created successfully");
  ctx.output("info", `File: ${file}`);
  ctx.output("info", `Size: ${humanSize(bytes)}`);
  const removed: string[] = [];
  if (spec.keep) {
    // Never the backups this run is about to restore from, however old they are.
    const keepAnyway = new Set(spec.protect ?? []);
    for (const old of listBackups(dir)
      .filter((b) => !keepAnyway.has(b.name))
      .slice(spec.keep)) {
      fs.rmSync(old.file, { force: true });
      removed.push(old.name);
      ctx.output("info", `removed old backup ${old.name} (keeping the last ${spec.keep})`);
    }
  }
  return { file, name: path.basename(file), bytes, size: humanSize(bytes), removed };
}

/** psql < file (gunzipped on the way); a missing or corrupt file fails the step, never the worker. */
export async function loadInto(url: string, file: string, ctx: StepContext): Promise<void> {
  if (!fs.existsSync(file))
    throw new StepFailure(`${path.basename(file)} does not exist; list backups and pick another`);
  const input = new PassThrough();
  const feeding = file.endsWith(".gz")
    ? pipeline(fs.createReadStream(file), zlib.createGunzip(), input)
    : pipeline(fs.createReadStream(file), input);
  let feedError: Error | undefined;
  const ctrl = new AbortController();
  feeding.catch((e: Error) => {
    feedError = e;
    input.destroy();
    ctrl.abort(new StepFailure(`${path.basename(file)} could not be read (${e.message}); is it a complete backup?`));
  });
  const signal = AbortSignal.any([ctx.signal, ctrl.signal]);
  try {
    await runProcess(
      { argv: ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-d", url], stdin: input },
      { ...ctx, signal },
    );
  } catch (e) {
    if (feedError)
      throw new StepFailure(
        `${path.basename(file)} could not be read (${feedError.message}); is it a complete backup?`,
      );
    throw e;
  }
}

async function restore(spec: StepOf<"postgres">, ctx: StepContext): Promise<StepResult> {
  const file = spec.file!;
  if (!fs.existsSync(file)) throw new StepFailure(`backup ${file} does not exist; list backups and pick another`);
  const name = dbName(spec.databaseUrl);
  ctx.output("info", `dropdb ${name}   (connections to it are terminated)`);
  await adminQuery(spec.databaseUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  ctx.output("info", `createdb ${name}`);
  await adminQuery(spec.databaseUrl, `CREATE DATABASE ${quoteIdent(name)}`);
  ctx.output("info", `psql ${name} < ${path.basename(file)}`);
  await loadInto(spec.databaseUrl, file, ctx);
  ctx.output("info", `restored ${name} from ${path.basename(file)}`);
  return { restoredFrom: path.basename(file) };
}

async function runSqlFile(spec: StepOf<"postgres">, ctx: StepContext): Promise<StepResult> {
  let file = spec.file;
  let tmp: string | undefined;
  if (spec.fromRelease) {
    // The release's own copy, as it was applied: written to a private temporary file for psql.
    const { repoPath, ref, path: rel } = spec.fromRelease;
    let sql: string;
    try {
      sql = (
        await execFileAsync("git", ["-C", repoPath, "show", `${ref}:${rel}`], {
          timeout: 30_000,
          maxBuffer: 64 * 1024 * 1024,
        })
      ).stdout;
    } catch (e) {
      throw new StepFailure(`${rel} is not in release ${ref}: ${(e as Error).message.split("\n")[0]}`);
    }
    tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "backout-sql-")), path.basename(rel));
    fs.writeFileSync(tmp, sql, { mode: 0o600 });
    file = tmp;
    ctx.output("info", `${rel} from release ${ref}:`);
  }
  try {
    if (!file || !fs.existsSync(file)) throw new StepFailure(`${file} does not exist`);
    for (const line of fs.readFileSync(file, "utf8").split("\n")) if (line.trim()) ctx.output("info", `  ${line}`);
    await runProcess(
      { argv: ["psql", "-X", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-d", spec.databaseUrl, "-f", file] },
      ctx,
    );
    return { applied: path.basename(file), ...(spec.fromRelease ? { fromRelease: spec.fromRelease.ref } : {}) };
  } finally {
    if (tmp) fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
  }
}

function formatRows(rows: Record<string, unknown>[]): string[] {
  if (rows.length === 0) return ["(0 rows)"];
  const cols = Object.keys(rows[0]!);
  const cells = rows.map((r) => cols.map((c) => String(r[c] ?? "")));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const fmt = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join(" | ");
  return [fmt(cols), widths.map((w) => "-".repeat(w)).join("-+-"), ...cells.map(fmt), `(${rows.length} rows)`];
}

async function verify(spec: StepOf<"postgres">, ctx: StepContext): Promise<StepResult> {
  const client = new pg.Client({ connectionString: spec.databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  const results: { name: string; rows: Record<string, unknown>[]; ms: number }[] = [];
  try {
    for (const q of spec.queries!) {
      throwIfAborted(ctx.signal);
      const started = performance.now();
      const res = await client.query(q.sql);
      const ms = Math.round((performance.now() - started) * 10) / 10;
      ctx.output("info", `${q.name}: ${q.sql}`);
      for (const line of formatRows(res.rows)) ctx.output("stdout", line);
      results.push({ name: q.name, rows: res.rows.slice(0, 50), ms });
    }
  } catch (e) {
    if (e instanceof StepFailure || ctx.signal.aborted) throw e;
    throw new StepFailure(`verification query failed: ${(e as Error).message}`);
  } finally {
    await client.end();
  }
  return { results };
}

/** plan §5.2: bring named records back from a backup, leaving every other row as it is. */
async function restoreRecords(spec: StepOf<"postgres">, ctx: StepContext): Promise<StepResult> {
  if (!fs.existsSync(spec.file!))
    throw new StepFailure(`backup ${path.basename(spec.file!)} does not exist; list backups and pick another`);
  const scratch = `${dbName(spec.databaseUrl)}_records_${crypto.randomBytes(3).toString("hex")}`;
  const scratchUrl = withDb(spec.databaseUrl, scratch);
  const table = spec.table!;
  ctx.output("info", `loading ${path.basename(spec.file!)} into scratch database ${scratch}`);
  await adminQuery(spec.databaseUrl, `CREATE DATABASE ${quoteIdent(scratch)}`);
  try {
    await loadInto(scratchUrl, spec.file!, ctx);
    const src = new pg.Client({ connectionString: scratchUrl });
    const dst = new pg.Client({ connectionString: spec.databaseUrl });
    await src.connect();
    await dst.connect();
    try {
      const ids = spec.ids!.map(String);
      const { rows } = await src.query(`SELECT * FROM ${quoteIdent(table)} WHERE id::text = ANY($1)`, [ids]);
      const missing = ids.filter((id) => !rows.some((r) => String(r.id) === id));
      if (missing.length) ctx.output("stderr", `not in the backup (left unchanged): ${missing.join(", ")}`);
      if (rows.length === 0) throw new StepFailure(`none of ${ids.join(", ")} exist in ${table} in that backup`);
      const cols = Object.keys(rows[0]!);
      const colList = cols.map(quoteIdent).join(", ");
      const updates = cols
        .filter((c) => c !== "id")
        .map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`)
        .join(", ");
      await dst.query("BEGIN");
      try {
        for (const row of rows) {
          const values = cols.map((c) => row[c]);
          await dst.query(
            `INSERT INTO ${quoteIdent(table)} (${colList}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(", ")}) ON CONFLICT (id) DO UPDATE SET ${updates}`,
            values,
          );
          ctx.output("stdout", `restored ${table} id=${row.id}`);
        }
        await dst.query("COMMIT");
      } catch (e) {
        await dst.query("ROLLBACK");
        throw new StepFailure(`restoring records failed and was rolled back: ${(e as Error).message}`);
      }
      return { table, restored: rows.map((r) => String(r.id)), missing };
    } finally {
      await src.end();
      await dst.end();
    }
  } finally {
    await adminQuery(spec.databaseUrl, `DROP DATABASE IF EXISTS ${quoteIdent(scratch)} WITH (FORCE)`).catch(() => {});
  }
}

export async function runPostgres(spec: StepOf<"postgres">, ctx: StepContext): Promise<StepResult> {
  switch (spec.action) {
    case "backup":
      return backup(spec, ctx);
    case "restore":
      return restore(spec, ctx);
    case "run-sql-file":
      return runSqlFile(spec, ctx);
    case "verify":
      return verify(spec, ctx);
    case "restore-records":
      return restoreRecords(spec, ctx);
  }
}
