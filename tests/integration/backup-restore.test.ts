import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { api, bearer, demoSql, env, runToEnd, startRun, stepByKey, waitForRun } from "./support/api";

const backupDir = path.join(env.BACKOUT_DATA_DIR!, "demo", "backups");
const snapshot = async () => ({
  projects: await demoSql(`SELECT id, name, status FROM projects ORDER BY id`),
  scenes: await demoSql(`SELECT id, project_id, title FROM scenes ORDER BY id`),
});

describe("plan §11.2 backup, §5.2 data rollback and §5.1 restore from backup", () => {
  it("backs up, restores named records, then restores the whole database; the demo data round-trips", async () => {
    const original = await snapshot();
    expect(original.projects.length).toBeGreaterThan(0);

    const backup = await runToEnd("db-backup");
    expect(backup.status, backup.error).toBe("succeeded");
    const made = backup.steps[0].result;
    expect(made.name).toMatch(/^backup_\d{8}_\d{6}(_\d+)?\.sql\.gz$/);
    expect(made.bytes).toBeGreaterThan(200);
    const dump = zlib.gunzipSync(fs.readFileSync(path.join(backupDir, made.name))).toString();
    expect(dump).toContain("CREATE TABLE public.projects");
    expect((await api("GET", "/api/backups")).body.backups[0].name).toBe(made.name);

    // Damage: one record corrupted, one scene gone, one project added after the backup.
    const victim = original.projects[0].id;
    await demoSql(`UPDATE projects SET name = 'CORRUPTED' WHERE id = $1`, [victim]);
    await demoSql(`DELETE FROM scenes WHERE id = $1`, [original.scenes[0].id]);
    await demoSql(`INSERT INTO projects (name) VALUES ('added-after-backup')`);

    // §5.2: only the named record goes back; the later insert stays.
    // It is high-risk: it waits for a second person's approval, with the records already shown.
    const dataRun = await startRun("data-rollback", { backup: made.name, table: "projects", ids: [victim] });
    const held = await waitForRun(dataRun, (r) => r.status === "waiting_approval" || r.status === "failed");
    expect(held.status, held.error).toBe("waiting_approval");
    expect(stepByKey(held, "identify-records").status).toBe("succeeded");
    expect(stepByKey(held, "restore-records").status).toBe("pending");
    expect((await demoSql(`SELECT name FROM projects WHERE id = $1`, [victim]))[0].name).toBe("CORRUPTED");
    expect(
      (await api("POST", `/api/runs/${dataRun}/approve`, { comment: "records checked" }, bearer("commander"))).status,
    ).toBe(200);
    const data = await waitForRun(dataRun);
    expect(data.status, data.error).toBe("succeeded");
    expect(stepByKey(data, "restore-records").result.restored).toEqual([String(victim)]);
    expect((await demoSql(`SELECT name FROM projects WHERE id = $1`, [victim]))[0].name).toBe(
      original.projects[0].name,
    );
    expect(await demoSql(`SELECT 1 FROM projects WHERE name = 'added-after-backup'`)).toHaveLength(1);

    // §5.1 method 2: the run stops at its approval gate until a person approves.
    const id = await startRun("db-restore", { backup: made.name });
    const waiting = await waitForRun(id, (r) => r.status === "waiting_approval" || r.status === "failed");
    expect(waiting.status, waiting.error).toBe("waiting_approval");
    expect(stepByKey(waiting, "approve").status).toBe("waiting_approval");
    expect(stepByKey(waiting, "restore").status).toBe("pending");
    expect(
      (await api("POST", `/api/runs/${id}/approve`, { comment: "restore approved in test" }, bearer("commander")))
        .status,
    ).toBe(200);
    const restored = await waitForRun(id);
    expect(restored.status, restored.error).toBe("succeeded");
    expect(stepByKey(restored, "approve")).toMatchObject({ status: "succeeded", decidedBy: "token:test-commander" });
    expect(await snapshot()).toEqual(original);
    expect((await fetch(`http://127.0.0.1:${env.DEMO_PORT}/health`)).status).toBe(200);
  });

  it("keeps only the newest N backups (N = 3 in the test targets file)", async () => {
    const names: string[] = [];
    for (let i = 0; i < 4; i++) names.push((await runToEnd("db-backup")).steps[0].result.name);
    const left = fs
      .readdirSync(backupDir)
      .filter((f) => f.startsWith("backup_"))
      .sort();
    expect(left).toHaveLength(3);
    expect(left).toEqual([...names.slice(-3)].sort());
    expect(fs.readdirSync(backupDir).some((f) => f.endsWith(".partial"))).toBe(false);
  });

  it("a rejected gate fails the run and touches nothing", async () => {
    const before = await snapshot();
    const backups = (await api("GET", "/api/backups")).body.backups;
    const id = await startRun("db-restore", { backup: backups[0].name });
    await waitForRun(id, (r) => r.status === "waiting_approval");
    expect((await api("POST", `/api/runs/${id}/reject`, { comment: "not now" })).status).toBe(200);
    const run = await waitForRun(id);
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/rejected/);
    expect(stepByKey(run, "restore").status).toBe("skipped");
    expect(await snapshot()).toEqual(before);
    // The runbook had put the target in maintenance and paused queues before the gate.
    await api("POST", "/api/maintenance/disable");
    await api("POST", "/api/queue/resume-all");
  });
});
