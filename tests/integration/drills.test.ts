import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, BASE, backoutSql, bearer, waitForRun } from "./support/api";
import { RECEIVER_PORT } from "./support/env";

// Drills: practice incidents on a target marked for rehearsal (the demo), kept apart from real ones.

const received: string[] = [];
let receiver: http.Server;

beforeAll(async () => {
  // The channels of the test stack deliver here: a drill must never reach it.
  receiver = http.createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    res.writeHead(200).end("ok");
  });
  await new Promise<void>((r) => receiver.listen(RECEIVER_PORT, "127.0.0.1", r));
});
afterAll(async () => {
  await new Promise((r) => receiver.close(r));
});

describe("drills", () => {
  it("refuse a target not marked for rehearsal, and a bad release that is not named", async () => {
    const res = await api("POST", "/api/drills", { runbook: "cache", target: "standby" }, bearer("commander"));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/not marked for rehearsal; add "rehearsal"/);
    expect((await api("POST", "/api/drills", { runbook: "cache" }, bearer("engineer"))).status).toBe(403);
    expect((await api("POST", "/api/drills", { runbook: "deploy" }, bearer("commander"))).body.issues[0].path).toBe(
      "runbook",
    );
  });

  it("a drill sends nothing to any channel, never appears on the status page or in its JSON, stays out of baselines, and ends with a report", async () => {
    const started = await api("POST", "/api/drills", { runbook: "cache", severity: "P3" }, bearer("commander"));
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.incidentId as string;
    const incident = (await api("GET", `/api/incidents/${id}`)).body;
    expect(incident).toMatchObject({
      isDrill: true,
      drillRunbook: "cache",
      title: "Drill: Cache/Redis rollback",
      severity: "P3",
    });

    // A message with a public update: written, held back.
    const sent = await api(
      "POST",
      `/api/incidents/${id}/messages`,
      {
        template: "initiating",
        subject: "Drill notice",
        body: "Practice rollback under way.",
        publicBody: "Drill public words",
        channels: ["chat", "signed"],
      },
      bearer("commander"),
    );
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(sent.body).toMatchObject({ isHeldBack: true, deliveries: [] });
    expect((await backoutSql(`SELECT 1 FROM message_deliveries WHERE "messageId" = $1`, [sent.body.id])).length).toBe(
      0,
    );

    // A run on the demo started elsewhere does not join the drill.
    const outside = await api("POST", "/api/runs", { runbook: "db-backup" });
    expect(outside.status).toBe(201);
    await waitForRun(outside.body.id);
    expect(
      (
        await backoutSql<{ incidentId: string | null }>(`SELECT "incidentId" FROM runs WHERE id = $1`, [
          outside.body.id,
        ])
      )[0]!.incidentId,
    ).toBeNull();

    // The rehearsal itself, from the drill: it moves the drill like a real incident.
    const run = await api(
      "POST",
      "/api/runs",
      {
        runbook: "cache",
        params: { warm: false },
        incidentId: id,
        checkpointOverride: { reason: "drill: practising the override" },
      },
      bearer("commander"),
    );
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    expect((await waitForRun(run.body.id)).status).toBe("succeeded");
    await new Promise((r) => setTimeout(r, 2500)); // the status page recomputes at most once a second; the notifier's reconciler runs

    expect(received, "nothing reached a channel").toEqual([]);
    for (const path of ["/status", "/api/v2/summary.json", "/api/v2/incidents.json", "/status/history.atom"]) {
      const text = await (await fetch(`${BASE}${path}`)).text();
      expect(text, path).not.toContain("Drill");
      expect(text, path).not.toContain(id);
    }
    expect((await fetch(`${BASE}/status/incidents/${id}`)).status).toBe(404);

    // Baselines: the demo's healthy readings taken while the drill is open do not count.
    const metrics = (await api("GET", "/api/metrics?target=demo")).body;
    // (The sampler reads the healthy demo every second, so without the rule the newest would be seconds old.)
    expect(metrics.baseline.sampleCount).toBeGreaterThan(0);
    expect(Date.parse(metrics.baseline.to)).toBeLessThanOrEqual(Date.parse(incident.detectedAt));
    expect(metrics.samples.some((s: any) => Date.parse(s.at) > Date.parse(incident.detectedAt))).toBe(true);

    const report = await api("GET", `/api/incidents/${id}/drill-report`, undefined, bearer("viewer"));
    expect(report.status).toBe(200);
    expect(report.body.total).toMatchObject({ isMet: true });
    expect(report.body.target).toEqual({ text: "<4 hours", minutes: 240 });
    expect(report.body.steps.length).toBeGreaterThan(0);
    expect(report.body.steps.every((s: any) => typeof s.ms === "number" && s.runbook === "cache")).toBe(true);
    expect(report.body.checkpoints[0]).toMatchObject({
      checkpoint: "Checkpoint 1: Before Initiating Rollback",
      ticked: 0,
    });

    // Resolved, the runbook says when it was last drilled and how long it took.
    expect(
      (
        await api(
          "PATCH",
          `/api/incidents/${id}`,
          { status: "resolved", summary: "Drill done", confirmUnticked: true },
          bearer("commander"),
        )
      ).status,
    ).toBe(200);
    const cache = (await api("GET", "/api/runbooks?target=demo")).body.runbooks.find((r: any) => r.id === "cache");
    expect(cache.lastDrill).toMatchObject({ isMet: true, isDue: false, tookMs: expect.any(Number) });
    const never = (await api("GET", "/api/runbooks?target=demo")).body.runbooks.find((r: any) => r.id === "frontend");
    expect(never.lastDrill).toBeNull();
    // A real incident has no drill report.
    const real = await api("POST", "/api/incidents", { title: "Real one", severity: "P3" }, bearer("commander"));
    expect((await api("GET", `/api/incidents/${real.body.id}/drill-report`)).status).toBe(409);
    await api(
      "PATCH",
      `/api/incidents/${real.body.id}`,
      { status: "resolved", summary: "closed by the drill test", confirmUnticked: true },
      bearer("commander"),
    );
  });

  it('the "bad deploy" drill: the bad release is watched, judged and rolled back by the autopilot on the drill, each stretch timed; nothing is sent or public', async () => {
    const lone = await api("POST", "/api/drills", { runbook: "app-code", watch: true }, bearer("commander"));
    expect(lone.status).toBe(400);
    expect(lone.body.issues[0].path).toBe("watch");

    await new Promise((r) => setTimeout(r, 12_000)); // a healthy baseline for the judge
    const started = await api(
      "POST",
      "/api/drills",
      { runbook: "app-code", breakFirst: true, watch: true },
      bearer("commander"),
    );
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.incidentId as string;
    expect((await waitForRun(started.body.breakRunId)).status).toBe("succeeded");
    // The demo's own policy is off here: the drill asked for "act".
    const deadline = Date.now() + 150_000;
    let report: any;
    while (Date.now() < deadline) {
      report = (await api("GET", `/api/incidents/${id}/drill-report`)).body;
      if (report.autopilot && ["restored", "still_unhealthy", "failed"].includes(report.autopilot.status)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(report.autopilot).toMatchObject({
      release: "v1.1.0",
      status: "restored",
      goals: { verdictMs: 15_000, verifiedMs: 60_000 },
    });
    for (const k of ["verdictMs", "vetoWindowMs", "rollbackMs", "verifiedMs"])
      expect(report.autopilot[k], k).toEqual(expect.any(Number));
    expect(report.autopilot.vetoWindowMs).toBe(15_000);
    const incident = (await api("GET", `/api/incidents/${id}`)).body;
    expect(incident.status).toBe("monitoring");
    expect(incident.runs.map((r: any) => r.runbook).sort()).toEqual(["app-code", "deploy"]);
    // No second incident: the autopilot acted on the drill's own.
    expect(
      (
        await backoutSql(`SELECT 1 FROM incidents WHERE "declaredBy" = 'Backout autopilot' AND "createdAt" > $1`, [
          incident.createdAt,
        ])
      ).length,
    ).toBe(0);
    const said = incident.timeline.filter((e: any) => e.type === "message.sent");
    expect(said.length).toBeGreaterThan(0);
    expect(said.every((e: any) => e.data.isHeldBack)).toBe(true);
    expect(received, "nothing reached a channel").toEqual([]);
    expect((await fetch(`${BASE}/status/incidents/${id}`)).status).toBe(404);
    await api(
      "PATCH",
      `/api/incidents/${id}`,
      { status: "resolved", summary: "Bad-deploy drill done", confirmUnticked: true },
      bearer("commander"),
    );
  });
});
