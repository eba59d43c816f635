import { describe, expect, it } from "vitest";
import { api, backoutSql, bearer, waitForRun } from "./support/api";

describe("incidents: declare, change severity and status, runs from the incident, a timeline of who and when", () => {
  it("a commander declares a P1; only a commander may; bad input names the field and creates nothing", async () => {
    const before = await backoutSql(`SELECT count(*)::int AS n FROM incidents`);
    const bad = await api(
      "POST",
      "/api/incidents",
      { title: "x", severity: "P9", components: ["kernel"] },
      bearer("commander"),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(["components.0", "severity", "title"]);
    const future = await api(
      "POST",
      "/api/incidents",
      { title: "From the future", severity: "P1", detectedAt: "2999-01-01T00:00:00Z" },
      bearer("commander"),
    );
    expect(future.status).toBe(400);
    expect(
      (await api("POST", "/api/incidents", { title: "Engineer tries", severity: "P1" }, bearer("engineer"))).status,
    ).toBe(403);
    expect(await backoutSql(`SELECT count(*)::int AS n FROM incidents`)).toEqual(before);
  });

  it("records every change and every run on the timeline, in order, with who did it", async () => {
    const detectedAt = new Date(Date.now() - 5 * 60_000).toISOString();
    const made = await api(
      "POST",
      "/api/incidents",
      {
        title: "API errors after deploy",
        symptoms: "20% 500s on /api/projects",
        severity: "P2",
        detectedAt,
        components: ["app-code"],
      },
      bearer("commander"),
    );
    expect(made.status).toBe(201);
    const id = made.body.id;
    expect(made.body).toMatchObject({
      severity: "P2",
      status: "investigating",
      declaredBy: "token:test-commander",
      detectedAt: new Date(detectedAt).toISOString(),
    });

    expect(
      (await api("PATCH", `/api/incidents/${id}`, { severity: "P1", reason: "error rate 18%" }, bearer("commander")))
        .status,
    ).toBe(200);
    expect((await api("PATCH", `/api/incidents/${id}`, {}, bearer("commander"))).status).toBe(400);
    expect((await api("PATCH", `/api/incidents/${id}`, { status: "rolling_back" }, bearer("viewer"))).status).toBe(403);
    expect((await api("PATCH", `/api/incidents/${id}`, { status: "rolling_back" }, bearer("commander"))).status).toBe(
      200,
    );

    const run = await api(
      "POST",
      "/api/runs",
      {
        runbook: "cache",
        params: { warm: false },
        incidentId: id,
        checkpointOverride: { reason: "cache poisoning confirmed; acting now" },
      },
      bearer("commander"),
    );
    expect(run.status).toBe(201);
    expect((await waitForRun(run.body.id)).status).toBe("succeeded");

    const incident = (await api("GET", `/api/incidents/${id}`, undefined, bearer("viewer"))).body;
    expect(incident.severity).toBe("P1");
    // The rollback succeeded: the incident moved to monitoring by itself.
    expect(incident.status).toBe("monitoring");
    expect(incident.runs.map((r: { id: string }) => r.id)).toEqual([run.body.id]);
    expect(incident.rollbackCompletedAt).not.toBeNull();
    expect(incident.timeline.map((e: { seq: number }) => e.seq)).toEqual(
      incident.timeline.map((_: unknown, i: number) => i + 1),
    );
    expect(incident.timeline.map((e: { type: string; actorLabel: string }) => [e.type, e.actorLabel])).toEqual([
      ["incident.declared", "token:test-commander"],
      ["incident.severity_changed", "token:test-commander"],
      ["incident.status_changed", "token:test-commander"],
      ["checkpoint.overridden", "token:test-commander"],
      ["run.started", "token:test-commander"],
      ["run.succeeded", "worker"],
      ["incident.status_changed", "Backout"],
    ]);
    expect(incident.timeline[1].data).toMatchObject({ from: "P2", to: "P1", reason: "error rate 18%" });

    // A resolved incident takes no more runs until it is reopened.
    await api(
      "PATCH",
      `/api/incidents/${id}`,
      { status: "resolved", summary: "cache flushed", confirmUnticked: true },
      bearer("commander"),
    );
    const late = await api("POST", "/api/runs", { runbook: "db-backup", incidentId: id }, bearer("engineer"));
    expect(late.status).toBe(409);
    expect(late.body.error).toMatch(/resolved/);
  });

  it("an unknown incident is a 404 for reads, changes and runs", async () => {
    const none = "00000000-0000-4000-8000-000000000000";
    expect((await api("GET", `/api/incidents/${none}`)).status).toBe(404);
    expect((await api("PATCH", `/api/incidents/${none}`, { severity: "P0" })).status).toBe(404);
    expect((await api("POST", "/api/runs", { runbook: "db-backup", incidentId: none })).status).toBe(404);
    expect((await api("GET", "/api/incidents/nope")).status).toBe(400);
  });
});

describe("plan §3 information to gather, filled in automatically", () => {
  it("answers the current release and sha, the last 5 commits, errors, queues, row counts, memory and disk", async () => {
    const id = (await api("POST", "/api/incidents", { title: "Information", severity: "P3" }, bearer("commander"))).body
      .id;
    const res = await api("GET", `/api/incidents/${id}/information`, undefined, bearer("viewer"));
    expect(res.status).toBe(200);
    const info = res.body;
    expect(info.deployment.value.release).toBe("v1.0.0");
    expect(info.deployment.value.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(info.lastCommits.value.length).toBeGreaterThan(0);
    expect(info.lastCommits.value.length).toBeLessThanOrEqual(5);
    expect(typeof info.errorCount.value).toBe("number");
    expect(Object.keys(info.queues.value)).toEqual(["ai-analysis", "document-processing"]);
    expect(info.rowCounts.value.projects).toBeGreaterThan(0);
    expect(info.memory.freeBytes).toBeGreaterThan(0);
    expect(info.disk.value.freeBytes).toBeGreaterThan(0);
  });
});
