import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  backoutSql,
  bearer,
  demoSql,
  env,
  isAlive,
  killWorker,
  runToEnd,
  sql,
  startWorker,
  until,
} from "./support/api";
import { PITR_DIR, PITR_TARGET, REMOTE, STANDBY } from "./support/env";

// Backups that are known to work (issue 17): the worker (the real one, on the real services)
// test-restores each target's newest dump into a scratch database and its newest base backup beside
// the live cluster, and Checkpoint 1's "Backup verified available" passes only when those passed.

const backupDir = path.join(env.BACKOUT_DATA_DIR!, "demo", "backups");
const demoPgDir = env.DEMO_PG_DIR;
const damaged = path.join(backupDir, "backup_damaged_20261208_010101.sql.gz");

const care = async (target = "demo") =>
  (await api("GET", `/api/targets/${target}/test-restores`, undefined, bearer("engineer"))).body;
const kind = async (k: "dump" | "base-backup", target = "demo") =>
  (await care(target)).kinds.find((x: any) => x.kind === k);
/** The test restore `id` once it ended (passed or failed). */
const ended = (id: string, timeoutMs: number) =>
  until(
    `test restore ${id} to end`,
    async () => {
      const c = (await care()).recent.find((x: any) => x.id === id);
      return c && ["passed", "failed"].includes(c.status) ? c : undefined;
    },
    timeoutMs,
  );
/** The newest backup of a kind once its test restore ended (passed or failed). */
const settled = (k: "dump" | "base-backup", name?: string) =>
  until(
    `the test restore of the newest ${k}`,
    async () => {
      const c = await kind(k);
      if (name && c?.newest?.name !== name) return undefined;
      return c?.check && ["passed", "failed"].includes(c.check.status) ? c : undefined;
    },
    120_000,
  );
const scratchDatabases = async () =>
  (await demoSql<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE '%\\_check\\_%'`)).map(
    (r) => r.datname,
  );
/** The scratch database a dump's test restore named in its log is gone. */
async function scratchGone(log: string[]) {
  const name = /dropped (\w+_check_[0-9a-f]{6})/.exec(log.join("\n"))?.[1];
  expect(name).toBeTruthy();
  expect(await scratchDatabases()).not.toContain(name);
}
const checkCopies = () => (demoPgDir ? fs.readdirSync(demoPgDir).filter((f) => f.startsWith("data.check-")) : []);

async function verification(incident: string) {
  return (await api("GET", `/api/incidents/${incident}`, undefined, bearer("commander"))).body.verification[
    "cp1-backup-verified"
  ];
}

afterAll(() => fs.rmSync(damaged, { force: true }));

describe("test restores feed Checkpoint 1's 'Backup verified available'", () => {
  let incident: string;
  beforeAll(async () => {
    const res = await api(
      "POST",
      "/api/incidents",
      { title: "Backups checked", severity: "P2", components: ["cache"] },
      bearer("commander"),
    );
    expect(res.status).toBe(201);
    incident = res.body.id;
  });

  it("a new dump is restored into a scratch database and verified by itself; then the checkpoint passes", async () => {
    const made = (await runToEnd("db-backup")).steps[0].result.name as string;
    const dump = await settled("dump", made);
    expect(dump.check.status, dump.check.error).toBe("passed");
    expect(dump.check.trigger).toBe("schedule");
    const projects = Number((await demoSql(`SELECT count(*)::int AS n FROM projects`))[0].n);
    expect(dump.check.detail.tables.find((t: any) => t.table === "projects").rows).toBe(projects);
    expect(dump.check.detail.queries.map((q: any) => q.name)).toEqual(["projects", "scenes per project"]);
    expect(dump.check.durationMs).toBeGreaterThan(0);
    expect(dump.check.log.join("\n")).toMatch(/dropped \w+_check_[0-9a-f]{6}/);
    await scratchGone(dump.check.log);
    const v = await until(
      "Checkpoint 1's backup item verified",
      async () => ((await verification(incident))?.verified ? await verification(incident) : undefined),
      120_000,
    );
    expect(v.why).toContain(`the newest dump (${made}) restored and verified`);
  });

  it("a damaged newest dump fails its test restore, and the checkpoint says so and what to do", async () => {
    const before = await demoSql(`SELECT count(*)::int AS n FROM projects`);
    try {
      fs.writeFileSync(damaged, zlib.gzipSync("CREATE TABLE broken (;\n"));
      const c = await settled("dump", path.basename(damaged));
      expect(c.check.status).toBe("failed");
      expect(c.check.error).toMatch(/syntax error/);
      expect(c.check.error).toMatch(/live database was not touched/);
      const v = await until(
        "Checkpoint 1 to name the failed test restore",
        async () => {
          const r = await verification(incident);
          return r && /failed its test restore/.test(r.why) ? r : undefined;
        },
        30_000,
      );
      expect(v.verified).toBe(false);
      expect(v.why).toMatch(/Fix it, or take a new backup/);
      await scratchGone(c.check.log);
      expect(await demoSql(`SELECT count(*)::int AS n FROM projects`)).toEqual(before);
    } finally {
      fs.rmSync(damaged, { force: true });
    }
  });

  it.skipIf(!demoPgDir)(
    "the newest base backup is restored beside the live cluster up to the newest commit, measured, and removed",
    async () => {
      const base = await settled("base-backup");
      expect(base.check.status, base.check.error).toBe("passed");
      expect(base.check.detail.replay).toMatchObject({ backupBytes: base.newest.bytes });
      expect(base.check.detail.replay.replayMs).toBeGreaterThan(0);
      expect(base.check.detail.tables.map((t: any) => t.table)).toEqual(["projects", "scenes", "activity"]);
      expect(checkCopies()).toEqual([]);
    },
  );
});

describe("a test restore asked for now", () => {
  it("is queued for the target's runners and passes; bad asks are refused naming the field and create nothing", async () => {
    if (!(await kind("dump")).newest) await runToEnd("db-backup");
    const count = async () =>
      Number((await backoutSql(`SELECT count(*)::int AS n FROM backup_checks WHERE trigger = 'manual'`))[0].n);
    const before = await count();
    const viewer = await api("POST", "/api/targets/demo/test-restores", { kind: "dump" }, bearer("viewer"));
    expect(viewer.status).toBe(403);
    const wrongKind = await api("POST", "/api/targets/demo/test-restores", { kind: "tape" }, bearer("engineer"));
    expect(wrongKind.status).toBe(400);
    expect(JSON.stringify(wrongKind.body)).toMatch(/kind/);
    const noPitr = await api(
      "POST",
      `/api/targets/${STANDBY}/test-restores`,
      { kind: "base-backup" },
      bearer("engineer"),
    );
    expect(noPitr.status).toBe(422);
    expect(noPitr.body.issues[0]).toMatchObject({ path: "kind" });
    expect(noPitr.body.issues[0].message).toMatch(/declares no point-in-time recovery/);
    expect(await count()).toBe(before);

    // Nobody serves pool "far" here: the first ask stays queued, and a second names it.
    const queued = await api("POST", `/api/targets/${REMOTE}/test-restores`, { kind: "dump" }, bearer("engineer"));
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ status: "queued", trigger: "manual", kind: "dump" });
    const again = await api("POST", `/api/targets/${REMOTE}/test-restores`, { kind: "dump" }, bearer("engineer"));
    expect(again.status).toBe(409);
    expect(again.body.error).toContain(`a test restore of ${queued.body.backup} is already queued`);
    await backoutSql(`DELETE FROM backup_checks WHERE id = $1`, [queued.body.id]);

    const asked = await api("POST", "/api/targets/demo/test-restores", { kind: "dump" }, bearer("engineer"));
    expect(asked.status).toBe(202);
    const done = await ended(asked.body.id, 60_000);
    expect(done.status, done.error).toBe("passed");
    expect(done.requestedBy).toMatch(/\w/);
    // Viewers see the results, not what the runner said.
    const seen = (await api("GET", "/api/targets/demo/test-restores", undefined, bearer("viewer"))).body;
    expect(seen.recent.find((x: any) => x.id === asked.body.id)).toMatchObject({ status: "passed", log: [] });
  });

  it.skipIf(!demoPgDir)(
    "a runner killed mid-restore: the check is failed saying so, its copy removed, and the next one passes",
    async () => {
      const asked = await api("POST", "/api/targets/demo/test-restores", { kind: "base-backup" }, bearer("engineer"));
      expect(asked.status).toBe(202);
      await until("the test restore to be copying", async () => (checkCopies().length ? true : undefined), 60_000);
      const killed = killWorker();
      await until("the worker to die", async () => (isAlive(killed) ? undefined : true), 10_000);
      startWorker();
      const failed = await until(
        "the abandoned test restore to be failed",
        async () => {
          const c = (await care()).recent.find((x: any) => x.id === asked.body.id);
          return c?.status === "failed" ? c : undefined;
        },
        60_000,
      );
      expect(failed.error).toMatch(/stopped before it finished/);
      await until("its copy to be removed", async () => (checkCopies().length ? undefined : true), 30_000);
      const again = await api("POST", "/api/targets/demo/test-restores", { kind: "base-backup" }, bearer("engineer"));
      expect(again.status).toBe(202);
      const passed = await ended(again.body.id, 90_000);
      expect(passed.status, passed.error).toBe("passed");
      // The demo's cluster served throughout.
      expect(await sql(env.DEMO_DATABASE_URL!, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
    },
  );
});

describe("replaced data folders", () => {
  it("are kept while the target's incident is open and removed by a runner once it is resolved", async () => {
    const replaced = path.join(PITR_DIR, "live.replaced-20261208-000000");
    const undone = path.join(PITR_DIR, "live.undone-20261208-000100");
    for (const d of [replaced, undone]) fs.mkdirSync(d, { recursive: true });
    const res = await api(
      "POST",
      "/api/incidents",
      { title: "Swapped", severity: "P2", target: PITR_TARGET, components: ["cache"] },
      bearer("commander"),
    );
    expect(res.status).toBe(201);
    // Several passes of the runner's care (every 2 s here) while it is open: both stay.
    await new Promise((r) => setTimeout(r, 5000));
    expect(fs.existsSync(replaced) && fs.existsSync(undone)).toBe(true);
    const resolved = await api(
      "PATCH",
      `/api/incidents/${res.body.id}`,
      { status: "resolved", summary: "Restored to a point in time.", confirmUnticked: true },
      bearer("commander"),
    );
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    await until(
      "the replaced folders to be removed",
      async () => (fs.existsSync(replaced) || fs.existsSync(undone) ? undefined : true),
      30_000,
    );
  });
});
