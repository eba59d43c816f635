import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  listBaseBackups,
  missingTools,
  ownedFolder,
  readWalArchive,
  restoreBeside,
  runPgTool,
  takeBaseBackup,
  type RestoredCopy,
} from "../../lib/target-ops/pitr";
import { backupFor, recoverableRange, unreachableReason } from "../../lib/pitr/range";
import {
  api,
  backoutSql,
  bearer,
  env,
  killWorker,
  sql,
  startWorker,
  stepByKey,
  until,
  waitForRun,
} from "./support/api";
import { AUTOPILOT_TARGET, PITR_DIR, PITR_PORT, PITR_TARGET } from "./support/env";

// Point-in-time recovery (issue 17) on a real PostgreSQL cluster this test creates (initdb, WAL
// archiving on): writes before and after a marked moment, a restore beside the live cluster to that
// moment, and a moment past the newest archived commit refused — by the range check, and by
// PostgreSQL itself when asked anyway. The live cluster is never touched. The "pitr" target of the
// test stack (support/env.ts) is this cluster: GET /api/targets/pitr/pitr reads what it can reach,
// and its "Restore to a point in time" runbook runs on the real worker: a worker killed mid-restore,
// then the restore beside, the side-by-side comparison, a second person's approval, the swap, and
// the swap undone.

const LIVE_PORT = PITR_PORT;
const root = PITR_DIR;
const dir = {
  live: path.join(root, "live"),
  archive: path.join(root, "wal"),
  backups: path.join(root, "base"),
  logs: path.join(root, "logs"),
};
const live = `postgresql://postgres@127.0.0.1:${LIVE_PORT}/postgres`;
const copies: RestoredCopy[] = [];

const liveOptions = `-p ${LIVE_PORT} -k ${dir.live} -c listen_addresses=127.0.0.1`;
const archived = async () =>
  (await sql<{ w: string | null }>(live, "SELECT last_archived_wal AS w FROM pg_stat_archiver"))[0]!.w;

/** Every commit so far in the archive: the current segment switched out, and archived. */
async function archiveNow() {
  const w = (await sql<{ w: string }>(live, "SELECT pg_walfile_name(pg_switch_wal()) AS w"))[0]!.w;
  for (let i = 0; i < 100 && (await archived()) !== w; i++) await new Promise((r) => setTimeout(r, 100));
  expect(await archived()).toBe(w);
}

const pitrApi = (query = "") => api("GET", `/api/targets/${PITR_TARGET}/pitr${query}`, undefined, bearer("viewer"));

beforeAll(async () => {
  expect(missingTools(), "PostgreSQL's tools are installed here (.ci/run installs them)").toBeNull();
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  fs.chmodSync(root, 0o755);
  await ownedFolder(dir.live);
  await ownedFolder(dir.archive);
  await ownedFolder(dir.backups, 0o755);
  await ownedFolder(dir.logs, 0o755);
  await runPgTool("initdb", ["-D", dir.live, "-U", "postgres", "--auth=trust", "--no-sync"]);
  fs.appendFileSync(
    path.join(dir.live, "postgresql.auto.conf"),
    `\nwal_level = replica\narchive_mode = on\narchive_command = 'cp "%p" "${dir.archive}/%f"'\n`,
  );
  await runPgTool("pg_ctl", ["-D", dir.live, "-l", path.join(dir.logs, "live.log"), "-w", "-o", liveOptions, "start"]);
  await sql(
    live,
    "CREATE TABLE orders (id serial PRIMARY KEY, phase text NOT NULL, at timestamptz DEFAULT clock_timestamp())",
  );
}, 120_000);

afterAll(async () => {
  for (const c of copies) await c.stop();
  await runPgTool("pg_ctl", ["-D", dir.live, "-m", "fast", "-w", "stop"]).catch(() => {});
  fs.rmSync(root, { recursive: true, force: true });
});

const phases = async (url: string) =>
  Object.fromEntries(
    (await sql<{ phase: string; n: number }>(url, "SELECT phase, count(*)::int AS n FROM orders GROUP BY phase")).map(
      (r) => [r.phase, r.n],
    ),
  );

describe("point-in-time recovery on a real cluster", () => {
  let moment: Date;

  it("a restore beside the live cluster to a moment keeps the writes before it and undoes those after", async () => {
    // Declared, and nothing to restore from yet.
    const empty = await pitrApi();
    expect(empty.status, JSON.stringify(empty.body)).toBe(200);
    expect(empty.body).toMatchObject({ isDeclared: true, isAvailable: true, range: null, backups: [] });
    expect((await pitrApi(`?at=${new Date(Date.now() - 1000).toISOString()}`)).body.error).toMatch(/no base backup/);

    await sql(live, "INSERT INTO orders (phase) SELECT 'before the backup' FROM generate_series(1, 100)");
    const backup = await takeBaseBackup({ url: live, backupsDir: dir.backups });
    expect(backup.bytes).toBeGreaterThan(1_000_000);
    expect(listBaseBackups(dir.backups).map((b) => b.name)).toEqual([backup.name]);

    await sql(live, "INSERT INTO orders (phase) SELECT 'after the backup' FROM generate_series(1, 50)");
    await new Promise((r) => setTimeout(r, 50));
    moment = new Date();
    await new Promise((r) => setTimeout(r, 300));
    await sql(live, "INSERT INTO orders (phase) SELECT 'after the moment' FROM generate_series(1, 30)");
    await archiveNow();

    const range = recoverableRange(listBaseBackups(dir.backups), await readWalArchive(dir.archive));
    expect(range).not.toBeNull();
    expect(range!.from.getTime()).toBe(backup.finishedAt.getTime());
    expect(range!.to.getTime()).toBeGreaterThan(moment.getTime());
    expect(unreachableReason(range, moment, new Date())).toBeNull();
    // The same through the API: the range, and the moment's estimate.
    const status = (await pitrApi()).body;
    expect(status.range).toEqual({ from: range!.from.toISOString(), to: range!.to.toISOString() });
    expect(status.backups.map((b: any) => b.name)).toEqual([backup.name]);
    const planned = await pitrApi(`?at=${moment.toISOString()}`);
    expect(planned.status, JSON.stringify(planned.body)).toBe(200);
    expect(planned.body.moment).toMatchObject({ at: moment.toISOString(), fromBackup: backup.name });
    expect(planned.body.moment.totalMs).toBeGreaterThan(0);
    expect(planned.body.moment.minutesUndone).toBeGreaterThanOrEqual(0);
    expect(planned.body.moment.rates.replay).toMatch(/^assumed/);

    const copy = await restoreBeside({
      backupsDir: dir.backups,
      backup: backupFor(listBaseBackups(dir.backups), moment)!,
      archiveDir: dir.archive,
      dataDir: path.join(root, "copy"),
      port: LIVE_PORT + 1,
      at: moment,
    });
    copies.push(copy);
    expect(await phases(copy.url)).toEqual({ "before the backup": 100, "after the backup": 50 });
    // The newest row the copy holds is from before the moment; the live cluster still has everything.
    const newest = (await sql<{ newest: Date }>(copy.url, "SELECT max(at) AS newest FROM orders"))[0]!.newest;
    expect(newest.getTime()).toBeLessThanOrEqual(moment.getTime());
    expect(await phases(live)).toEqual({ "before the backup": 100, "after the backup": 50, "after the moment": 30 });
  });

  it("a moment past the newest archived commit is refused naming the range; PostgreSQL itself will not reach it", async () => {
    const wal = await readWalArchive(dir.archive);
    const range = recoverableRange(listBaseBackups(dir.backups), wal);
    const past = new Date(wal.newestCommitAt!.getTime() + 2_000);
    await new Promise((r) => setTimeout(r, Math.max(0, past.getTime() - Date.now()) + 100));
    expect(unreachableReason(range, past, new Date())).toMatch(
      /after the newest archived commit: the recoverable range is/,
    );
    const refused = await pitrApi(`?at=${past.toISOString()}`);
    expect(refused.status).toBe(422);
    expect(refused.body.issues[0].path).toBe("query.at");
    expect(refused.body.error).toMatch(/after the newest archived commit: the recoverable range is .* to /);
    const future = await pitrApi(`?at=${new Date(Date.now() + 3_600_000).toISOString()}`);
    expect(future.status).toBe(422);
    expect(future.body.error).toMatch(/is in the future/);
    const garbled = await pitrApi("?at=yesterday");
    expect(garbled.status).toBe(400);
    expect(garbled.body.issues[0].path).toBe("query.at");
    // A target that declares none says how to declare it.
    const undeclared = await api("GET", `/api/targets/${AUTOPILOT_TARGET}/pitr`, undefined, bearer("viewer"));
    expect(undeclared.body).toMatchObject({ isDeclared: false });
    expect(undeclared.body.why).toMatch(/add "pitr"/);
    // Asked anyway, the copy does not start, and says why; the live cluster serves on.
    await expect(
      restoreBeside({
        backupsDir: dir.backups,
        backup: listBaseBackups(dir.backups)[0]!,
        archiveDir: dir.archive,
        dataDir: path.join(root, "unreachable"),
        port: LIVE_PORT + 2,
        at: past,
      }),
    ).rejects.toThrow(
      /the restored copy did not start: .*recovery ended before configured recovery target was reached/s,
    );
    expect((await sql<{ n: number }>(live, "SELECT count(*)::int AS n FROM orders"))[0]!.n).toBe(180);
  });
});

describe("the demo's own cluster", () => {
  it("archives WAL, had a base backup taken at start-up, and its worker writes steadily", async () => {
    const demo = env.DEMO_DATABASE_URL!;
    expect(new URL(demo).port).toBe(env.DEMO_PG_PORT);
    const count = async () => (await sql<{ n: number }>(demo, "SELECT count(*)::int AS n FROM activity"))[0]!.n;
    const before = await count();
    await new Promise((r) => setTimeout(r, 4_500));
    expect(await count()).toBeGreaterThan(before);
    await sql(demo, "SELECT pg_switch_wal()");
    const status = await until(
      "the demo's range",
      async () => {
        const r = (await api("GET", "/api/targets/demo/pitr", undefined, bearer("viewer"))).body;
        return r.range ? r : undefined;
      },
      20_000,
    );
    expect(status).toMatchObject({ isDeclared: true, isAvailable: true });
    expect(status.backups).toHaveLength(1);
    expect(new Date(status.range.to).getTime()).toBeGreaterThan(new Date(status.range.from).getTime());
  });
});

describe("the restore runbook on the real worker", () => {
  let moment: Date;
  const start = (runbook: string, params: Record<string, unknown>) =>
    api("POST", "/api/runs", { runbook, target: PITR_TARGET, params }, bearer("commander"));
  const outputOf = async (runId: string, stepIndex: number) =>
    (
      await backoutSql<{ line: string }>(
        `SELECT data->>'line' AS line FROM run_events WHERE "runId" = $1 AND type = 'step.output' AND "stepIndex" = $2 ORDER BY seq`,
        [runId, stepIndex],
      )
    ).map((r) => r.line);

  beforeAll(async () => {
    // Enough WAL after the base backup (about 150 MiB) that replay takes a while.
    await sql(live, "CREATE TABLE filler (id int, pad text)");
    await sql(live, "INSERT INTO filler SELECT g, repeat('x', 1000) FROM generate_series(1, 120000) g");
    await new Promise((r) => setTimeout(r, 50));
    moment = new Date();
    await new Promise((r) => setTimeout(r, 300));
    await sql(live, "INSERT INTO orders (phase) SELECT 'after the second moment' FROM generate_series(1, 10)");
    await archiveNow();
  }, 120_000);

  it("a moment outside the range is refused before anything starts, naming the range", async () => {
    const before = (await backoutSql<{ n: number }>("SELECT count(*)::int AS n FROM runs"))[0]!.n;
    const future = await start("pitr-restore", { at: new Date(Date.now() + 60_000).toISOString() });
    expect(future.status).toBe(422);
    expect(future.body.issues[0]).toMatchObject({ path: "params.at", message: expect.stringMatching(/in the future/) });
    const early = await start("pitr-restore", { at: "2020-01-01T00:00:00Z" });
    expect(early.status).toBe(422);
    expect(early.body.issues[0].message).toMatch(/the recoverable range is/);
    const undone = await start("pitr-undo", {});
    expect(undone.status).toBe(422);
    expect(undone.body.issues[0].message).toMatch(/no swap to undo/);
    const demo = await api(
      "POST",
      "/api/runs",
      { runbook: "pitr-restore", target: AUTOPILOT_TARGET, params: { at: moment.toISOString() } },
      bearer("commander"),
    );
    expect(demo.status).toBe(422);
    expect(demo.body.issues[0].message).toMatch(/declares no point-in-time recovery/);
    expect((await backoutSql<{ n: number }>("SELECT count(*)::int AS n FROM runs"))[0]!.n).toBe(before);
  });

  it("a worker killed mid-restore leaves the run needing attention and the live database serving", async () => {
    const started = await start("pitr-restore", { at: moment.toISOString() });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    await waitForRun(started.body.id, (r) => stepByKey(r, "restore-beside").status === "running", 60_000);
    killWorker();
    startWorker();
    const run = await waitForRun(started.body.id, undefined, 90_000);
    expect(run.status).toBe("needs_attention");
    expect(run.error).toMatch(/interrupted/);
    expect(stepByKey(run, "swap").status).toBe("skipped");
    // Nothing swapped: the live cluster serves everything it had.
    expect((await phases(live))["after the second moment"]).toBe(10);
    expect((await sql<{ r: boolean }>(live, "SELECT pg_is_in_recovery() AS r"))[0]!.r).toBe(false);
  });

  it("restores beside, compares side by side, waits for a second person, swaps; the swap is undone in one run", async () => {
    const started = await start("pitr-restore", { at: moment.toISOString() });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.id;
    const held = await waitForRun(
      id,
      (r) => r.status === "waiting_approval" || (r.status !== "running" && r.status !== "queued"),
      180_000,
    );
    expect(held.status, held.error).toBe("waiting_approval");
    const restore = stepByKey(held, "restore-beside");
    // The copy the killed worker left was stopped and removed first.
    expect((await outputOf(id, restore.index)).join("\n")).toMatch(
      /Stopped and removed an earlier copy that was never swapped in/,
    );
    const progress = await backoutSql<{ percent: number }>(
      `SELECT (data->>'percent')::float AS percent FROM run_events WHERE "runId" = $1 AND type = 'step.progress' AND "stepIndex" = $2 ORDER BY seq`,
      [id, restore.index],
    );
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)!.percent).toBe(100);
    // Side by side: the copy lacks the 10 rows written after the moment.
    const { comparison } = stepByKey(held, "compare").result;
    expect(comparison.tables).toEqual([
      expect.objectContaining({
        table: "orders",
        rowsDifference: -10,
        live: expect.objectContaining({ rows: 190 }),
        copy: expect.objectContaining({ rows: 180 }),
      }),
    ]);
    expect(new Date(comparison.tables[0].copy.newest).getTime()).toBeLessThanOrEqual(moment.getTime());
    expect(comparison.queries[0]).toMatchObject({ name: "orders by phase", isSame: false });
    // The commander who started it cannot approve it alone.
    const self = await api("POST", `/api/runs/${id}/approve`, {}, bearer("commander"));
    expect(self.status).toBe(403);
    expect(self.body.code).toBe("SECOND_PERSON_REQUIRED");
    expect((await phases(live))["after the second moment"]).toBe(10);
    expect((await api("POST", `/api/runs/${id}/approve`, {}, bearer("admin"))).status).toBe(200);
    const done = await waitForRun(id, undefined, 180_000);
    expect(done.status, done.error).toBe("succeeded");
    // The live port serves the restored data, archives again, and the replaced folder is kept.
    expect(await phases(live)).toEqual({ "before the backup": 100, "after the backup": 50, "after the moment": 30 });
    expect((await sql<{ a: string }>(live, "SELECT current_setting('archive_mode') AS a"))[0]!.a).toBe("on");
    const kept = fs.readdirSync(root).filter((f) => f.startsWith("live.replaced-"));
    expect(kept).toHaveLength(1);
    expect(fs.readdirSync(root).filter((f) => f.startsWith("live.restore-"))).toEqual([]);
    await sql(live, "INSERT INTO orders (phase) SELECT 'after the swap' FROM generate_series(1, 5)");

    // Undo: the newest replaced folder is the default, and exactly what undoes the swap.
    const undo = await start("pitr-undo", {});
    expect(undo.status, JSON.stringify(undo.body)).toBe(201);
    expect(undo.body.id).toBeTruthy();
    await waitForRun(undo.body.id, (r) => r.status === "waiting_approval", 60_000);
    expect((await api("POST", `/api/runs/${undo.body.id}/approve`, {}, bearer("admin"))).status).toBe(200);
    const undone = await waitForRun(undo.body.id, undefined, 180_000);
    expect(undone.status, undone.error).toBe("succeeded");
    expect((await phases(live))["after the second moment"]).toBe(10);
    expect((await phases(live))["after the swap"]).toBeUndefined();
    expect(fs.readdirSync(root).filter((f) => f.startsWith("live.undone-"))).toHaveLength(1);
  });
});
