import { describe, expect, it } from "vitest";
import { api, backoutSql, BASE, bearer, waitForRun } from "./support/api";

const latest = async (path: string) =>
  (
    await backoutSql<{ actorLabel: string; role: string; method: string; status: number; detail: any }>(
      `SELECT "actorLabel", role, method, status, detail FROM audit_entries WHERE path = $1 ORDER BY id DESC LIMIT 1`,
      [path],
    )
  )[0];

describe("the append-only audit table", () => {
  it("records every mutating request with who, what and how it ended — refusals too", async () => {
    await api("POST", "/api/queue/pause-all", {}, bearer("engineer"));
    expect(await latest("/api/queue/pause-all")).toMatchObject({
      actorLabel: "token:test-engineer",
      role: "engineer",
      method: "POST",
      status: 200,
    });
    await api("POST", "/api/queue/resume-all", {}, bearer("viewer"));
    const refused = await latest("/api/queue/resume-all");
    expect(refused).toMatchObject({ actorLabel: "token:test-viewer", status: 403 });
    expect(refused!.detail.error).toMatch(/needs the engineer role/);
    await api("POST", "/api/queue/resume-all", {}, bearer("engineer"));

    const run = await api("POST", "/api/runs", { runbook: "db-backup", dryRun: true }, bearer("engineer"));
    expect(run.status).toBe(201);
    expect((await latest("/api/runs"))!.detail.body).toEqual({ runbook: "db-backup", dryRun: true });

    // Reads are not audited.
    const [{ n }] = (await backoutSql<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_entries WHERE method = 'GET'`,
    )) as [{ n: number }];
    expect(n).toBe(0);
  });

  it("never keeps a password or token", async () => {
    await api(
      "POST",
      "/api/auth/sign-in",
      { email: "nobody@example.com", password: "hunter2-secret" },
      { origin: BASE },
    );
    const entry = await latest("/api/auth/sign-in");
    expect(entry).toMatchObject({ actorLabel: "anonymous", status: 401 });
    expect(JSON.stringify(entry!.detail)).not.toContain("hunter2-secret");
    expect(entry!.detail.body.password).toBe("[redacted]");
    const created = await api("POST", "/api/tokens", { name: "audited", role: "viewer" });
    const rows = await backoutSql(`SELECT detail::text AS d FROM audit_entries`);
    expect(rows.map((r) => r.d).join("\n")).not.toContain(created.body.token);
  });

  it("refuses UPDATE, DELETE and TRUNCATE", async () => {
    await expect(backoutSql(`UPDATE audit_entries SET status = 200`)).rejects.toThrow(/append-only/);
    await expect(backoutSql(`DELETE FROM audit_entries`)).rejects.toThrow(/append-only/);
    await expect(backoutSql(`TRUNCATE audit_entries`)).rejects.toThrow(/append-only/);
  });
});

describe("controls used for an incident", () => {
  it("land on the incident's timeline and in the audit table with its id", async () => {
    const id = (await api("POST", "/api/incidents", { title: "Controls", severity: "P2" }, bearer("commander"))).body
      .id;
    expect(
      (await api("POST", "/api/queue/pause-all", {}, { ...bearer("engineer"), "x-backout-incident": id })).status,
    ).toBe(200);
    await api("POST", "/api/queue/resume-all", {}, { ...bearer("engineer"), "x-backout-incident": id });
    const timeline = (await api("GET", `/api/incidents/${id}`)).body.timeline;
    expect(
      timeline.filter((e: any) => e.type === "action.performed").map((e: any) => [e.data.path, e.actorLabel]),
    ).toEqual([
      ["/api/queue/pause-all", "token:test-engineer"],
      ["/api/queue/resume-all", "token:test-engineer"],
    ]);
    const rows = await backoutSql(`SELECT path FROM audit_entries WHERE "incidentId" = $1 ORDER BY id`, [id]);
    expect(rows.map((r) => r.path)).toEqual(["/api/queue/pause-all", "/api/queue/resume-all"]);
  });

  it("failed and refused ones land there too, saying why; bad input and a viewer's refused click stay in the audit table only", async () => {
    const id = (await api("POST", "/api/incidents", { title: "Failing controls", severity: "P2" }, bearer("commander")))
      .body.id;
    const forIncident = (role: "engineer" | "viewer") => ({ ...bearer(role), "x-backout-incident": id });
    const missing = await api("POST", "/api/queue/no-such-queue/pause", {}, forIncident("engineer"));
    expect(missing.status).toBe(404);
    expect((await api("POST", "/api/queue/pause-all", {}, forIncident("viewer"))).status).toBe(403);
    // A rollback refused by the Checkpoint 1 gate, sent with the incident in the body (as the page does).
    const gated = await api(
      "POST",
      "/api/runs",
      { runbook: "cache", params: { warm: false }, incidentId: id },
      bearer("engineer"),
    );
    expect(gated.status).toBe(409);
    // A run that starts is told once, as run.started, not twice.
    const backup = await api("POST", "/api/runs", { runbook: "db-backup", incidentId: id }, bearer("engineer"));
    expect(backup.status).toBe(201);
    await waitForRun(backup.body.id);

    const timeline = (await api("GET", `/api/incidents/${id}`)).body.timeline;
    const failed = timeline.filter((e: any) => e.type === "action.failed");
    // A queue that does not exist changed nothing and tells the incident nothing; the gate's refusal does.
    expect(failed.map((e: any) => [e.data.path, e.data.status, e.actorLabel])).toEqual([
      ["/api/runs", 409, "token:test-engineer"],
    ]);
    expect(missing.body.error).toMatch(/Unknown queue/);
    expect(failed[0].data).toMatchObject({ runbook: "cache", error: expect.stringContaining("Checkpoint 1") });
    expect(timeline.filter((e: any) => e.type === "action.performed")).toEqual([]);
    expect(timeline.filter((e: any) => e.type === "run.started").map((e: any) => e.data.runbook)).toEqual([
      "db-backup",
    ]);
    const audited = await backoutSql(`SELECT path, status FROM audit_entries WHERE "incidentId" = $1 ORDER BY id`, [
      id,
    ]);
    expect(audited.map((r) => [r.path, r.status])).toEqual([
      ["/api/queue/no-such-queue/pause", 404],
      ["/api/queue/pause-all", 403],
      ["/api/runs", 409],
      ["/api/runs", 201],
    ]);
  });
});
