import { describe, expect, it } from "vitest";
import { api, backoutSql, BASE, bearer, waitForRun } from "./support/api";
import { REMOTE, STANDBY, AUTOPILOT_TARGET, PITR_TARGET } from "./support/env";

const declare = async (body: Record<string, unknown>) =>
  api("POST", "/api/incidents", { title: "Which target?", severity: "P2", ...body }, bearer("commander"));

describe("an incident is about one target, and what is done for it acts on that target", () => {
  it("declares on the default target unless told, and refuses an unknown one naming the known ones", async () => {
    const plain = await declare({});
    expect(plain.status).toBe(201);
    expect(plain.body.target).toBe("demo");
    const standby = await declare({ target: STANDBY });
    expect(standby.body.target).toBe(STANDBY);
    expect((await api("GET", `/api/incidents/${standby.body.id}`)).body.target).toBe(STANDBY);
    expect((await api("GET", `/api/incidents/${standby.body.id}`)).body.timeline[0].data.target).toBe(STANDBY);

    const before = await backoutSql(`SELECT count(*)::int AS n FROM incidents`);
    const unknown = await declare({ target: "prod" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues[0].path).toBe("target");
    expect(unknown.body.error).toMatch(/demo, standby/);
    expect(await backoutSql(`SELECT count(*)::int AS n FROM incidents`)).toEqual(before);
  });

  it("controls and reads sent for the incident go to its target; a failing one lands on its timeline", async () => {
    const id = (await declare({ target: STANDBY })).body.id;
    const forIt = { ...bearer("engineer"), "x-backout-incident": id };
    const stats = await api("GET", "/api/queue/stats", undefined, forIt);
    expect(stats.status).toBe(200);
    expect(stats.body.target).toBe(STANDBY);
    const version = await api("GET", "/api/version", undefined, forIt);
    expect(version.body).toMatchObject({ target: STANDBY, running: null });
    expect((await api("GET", "/api/version")).body.target).toBe("demo");

    // The standby's service is down, so warming its cache fails for real, and says so.
    const warm = await api("POST", "/api/cache/warm", {}, forIt);
    expect(warm.status).toBeGreaterThanOrEqual(500);
    const failed = (await api("GET", `/api/incidents/${id}`)).body.timeline.filter(
      (e: any) => e.type === "action.failed",
    );
    expect(failed).toHaveLength(1);
    expect(failed[0].data).toMatchObject({ path: "/api/cache/warm", status: warm.status, error: warm.body.error });

    const info = (await api("GET", `/api/incidents/${id}/information`)).body;
    expect(info.target).toBe(STANDBY);
  });

  it("naming another target than the incident's is refused, not guessed", async () => {
    const id = (await declare({ target: STANDBY })).body.id;
    const query = await api("GET", "/api/queue/stats?target=demo", undefined, {
      ...bearer("engineer"),
      "x-backout-incident": id,
    });
    expect(query.status).toBe(400);
    expect(query.body.issues[0].path).toBe("target");
    const runs = await backoutSql(`SELECT count(*)::int AS n FROM runs`);
    const run = await api(
      "POST",
      "/api/runs",
      { runbook: "db-backup", target: "demo", incidentId: id },
      bearer("engineer"),
    );
    expect(run.status).toBe(400);
    expect(run.body.error).toMatch(/about target "standby"/);
    expect(await backoutSql(`SELECT count(*)::int AS n FROM runs`)).toEqual(runs);
    const unknownIncident = await api("GET", "/api/queue/stats", undefined, {
      ...bearer("engineer"),
      "x-backout-incident": "00000000-0000-4000-8000-000000000000",
    });
    expect(unknownIncident.status).toBe(404);
  });

  it("a run started from the incident runs on its target, whether the body or the header names it", async () => {
    const id = (await declare({ target: STANDBY })).body.id;
    const run = await api(
      "POST",
      "/api/runs",
      { runbook: "app-code", params: { release: "v1.0.0" }, dryRun: true, incidentId: id },
      bearer("engineer"),
    );
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    const done = await waitForRun(run.body.id);
    expect(done.target).toBe(STANDBY);
    expect(done.incidentId).toBe(id);

    const byHeader = await api(
      "POST",
      "/api/runs",
      { runbook: "app-code", params: { release: "v1.0.0" }, dryRun: true },
      { ...bearer("engineer"), "x-backout-incident": id },
    );
    expect(byHeader.status, JSON.stringify(byHeader.body)).toBe(201);
    const viaHeader = await waitForRun(byHeader.body.id);
    expect(viaHeader).toMatchObject({ target: STANDBY, incidentId: id });
    // A rollback for real waits for Checkpoint 1 however the incident is named.
    const gated = await api(
      "POST",
      "/api/runs",
      { runbook: "cache", params: { warm: false } },
      { ...bearer("engineer"), "x-backout-incident": id },
    );
    expect(gated.status).toBe(409);

    const other = (await declare({})).body.id;
    const both = await api(
      "POST",
      "/api/runs",
      { runbook: "db-backup", dryRun: true, incidentId: other },
      { ...bearer("engineer"), "x-backout-incident": id },
    );
    expect(both.status).toBe(400);
    expect(both.body.issues[0].path).toBe("incidentId");
  });

  it("everyone sees the targets' names; an admin also sees how each is configured", async () => {
    const viewer = (await api("GET", "/api/targets", undefined, bearer("viewer"))).body;
    expect(viewer.targets.map((t: any) => t.name)).toEqual(["demo", STANDBY, REMOTE, AUTOPILOT_TARGET, PITR_TARGET]);
    expect(viewer.targets[0].config).toBeUndefined();
    expect(viewer.file).toBeUndefined();
    const admin = (await api("GET", "/api/targets", undefined, bearer("admin"))).body;
    expect(admin.targets[1].config.http.baseUrl).toBe("http://127.0.0.1:1");
    expect(admin.targets[0].config.commands.restart).toMatch(/pm2 restart all/);
  });

  it("an incident whose target was removed from the targets file still opens, and says how to get it back", async () => {
    const id = (await declare({})).body.id;
    await backoutSql(`UPDATE incidents SET target = 'retired' WHERE id = $1`, [id]);
    const detail = await api("GET", `/api/incidents/${id}`, undefined, bearer("viewer"));
    expect(detail.status).toBe(200);
    expect(detail.body.target).toBe("retired");
    const page = await fetch(`${BASE}/incidents/${id}`, { headers: bearer("viewer") });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("no longer declares");
  });
});
