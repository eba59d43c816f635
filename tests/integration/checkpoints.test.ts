import { describe, expect, it } from "vitest";
import { api, bearer, readEvents, waitForRun } from "./support/api";
import { checkpoints } from "@/lib/plan";

async function declare(title: string) {
  const res = await api(
    "POST",
    "/api/incidents",
    { title, severity: "P1", components: ["cache"] },
    bearer("commander"),
  );
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** Reads an incident's timeline over SSE until `count` entries arrived. */
async function readTimeline(id: string, count: number, lastEventId?: number) {
  return (
    await readEvents(`/api/incidents/${id}/events`, { stop: (e) => e.length >= count, lastEventId, timeoutMs: 15_000 })
  ).events;
}

describe("plan §9 checkpoints: ticks by a person, live, and Checkpoint 1 gating component rollbacks", () => {
  it("refuses a component rollback before Checkpoint 1 is complete, naming what is missing", async () => {
    const id = await declare("Gate: refuse then accept");
    const refused = await api(
      "POST",
      "/api/runs",
      { runbook: "cache", params: { warm: false }, incidentId: id },
      bearer("engineer"),
    );
    expect(refused.status).toBe(409);
    expect(refused.body.gate).toBe("checkpoint-1");
    expect(refused.body.missing).toHaveLength(checkpoints[0]!.items.length);
    expect(refused.body.error).toContain("Stakeholders notified");
    // A backup is not a rollback: it is never gated.
    const backup = await api("POST", "/api/runs", { runbook: "db-backup", incidentId: id }, bearer("engineer"));
    expect(backup.status).toBe(201);
    await waitForRun(backup.body.id);

    for (const item of checkpoints[0]!.items) {
      const t = await api(
        "POST",
        `/api/incidents/${id}/checklist`,
        { itemId: item.id, isTicked: true },
        bearer("commander"),
      );
      expect(t.status, JSON.stringify(t.body)).toBe(200);
    }
    const accepted = await api(
      "POST",
      "/api/runs",
      { runbook: "cache", params: { warm: false }, incidentId: id },
      bearer("engineer"),
    );
    expect(accepted.status).toBe(201);
    expect((await waitForRun(accepted.body.id)).status).toBe("succeeded");

    const incident = (await api("GET", `/api/incidents/${id}`)).body;
    for (const item of checkpoints[0]!.items)
      expect(incident.checklist[item.id]).toMatchObject({ isTicked: true, by: "token:test-commander" });
  });

  it("accepts the run early only with a commander's written override, which lands on the timeline", async () => {
    const id = await declare("Gate: override");
    const body = {
      runbook: "cache",
      params: { warm: false },
      incidentId: id,
      checkpointOverride: { reason: "P0-like impact, stakeholders on the bridge already" },
    };
    const byEngineer = await api("POST", "/api/runs", body, bearer("engineer"));
    expect(byEngineer.status).toBe(403);
    const tooShort = await api(
      "POST",
      "/api/runs",
      { ...body, checkpointOverride: { reason: "because" } },
      bearer("commander"),
    );
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.issues[0].path).toBe("checkpointOverride.reason");
    const ok = await api("POST", "/api/runs", body, bearer("commander"));
    expect(ok.status).toBe(201);
    await waitForRun(ok.body.id);
    const timeline = (await api("GET", `/api/incidents/${id}`)).body.timeline;
    const override = timeline.find((e: { type: string }) => e.type === "checkpoint.overridden");
    expect(override).toMatchObject({
      actorLabel: "token:test-commander",
      data: { reason: body.checkpointOverride.reason },
    });
    expect(override.data.missing).toHaveLength(checkpoints[0]!.items.length);
  });

  it("only a commander ticks; unknown items and reasonless overrides are refused and change nothing", async () => {
    const id = await declare("Ticks: validation");
    expect(
      (
        await api(
          "POST",
          `/api/incidents/${id}/checklist`,
          { itemId: "cp1-team-ready", isTicked: true },
          bearer("engineer"),
        )
      ).status,
    ).toBe(403);
    const unknown = await api(
      "POST",
      `/api/incidents/${id}/checklist`,
      { itemId: "cp9-party", isTicked: true },
      bearer("commander"),
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.issues[0].path).toBe("itemId");
    const noReason = await api(
      "POST",
      `/api/incidents/${id}/checklist`,
      { itemId: "cp2-health-responding", isTicked: true, isOverride: true },
      bearer("commander"),
    );
    expect(noReason.status).toBe(400);
    expect((await api("GET", `/api/incidents/${id}`)).body.checklist).toEqual({});
    // Unticking is a tick too: the newest one is the state.
    await api(
      "POST",
      `/api/incidents/${id}/checklist`,
      { itemId: "cp1-team-ready", isTicked: true },
      bearer("commander"),
    );
    await api(
      "POST",
      `/api/incidents/${id}/checklist`,
      { itemId: "cp1-team-ready", isTicked: false },
      bearer("commander"),
    );
    expect((await api("GET", `/api/incidents/${id}`)).body.checklist["cp1-team-ready"].isTicked).toBe(false);
  });

  it("a second browser sees ticks live over SSE, and a reconnect replays exactly what it missed", async () => {
    const id = await declare("Ticks: live");
    const live = readTimeline(id, 3); // declared + two ticks
    await new Promise((r) => setTimeout(r, 300));
    const sentAt = Date.now();
    await api(
      "POST",
      `/api/incidents/${id}/checklist`,
      { itemId: "cp1-severity-confirmed", isTicked: true },
      bearer("commander"),
    );
    await api(
      "POST",
      `/api/incidents/${id}/checklist`,
      { itemId: "cp1-plan-reviewed", isTicked: true },
      bearer("commander"),
    );
    const seen = await live;
    expect(Date.now() - sentAt).toBeLessThan(5000);
    expect(seen.map((e) => [e.seq, e.type, e.data.itemId ?? null])).toEqual([
      [1, "incident.declared", null],
      [2, "checklist.ticked", "cp1-severity-confirmed"],
      [3, "checklist.ticked", "cp1-plan-reviewed"],
    ]);
    const replay = await readTimeline(id, 2, 1);
    expect(replay.map((e) => e.seq)).toEqual([2, 3]);
  });
});

describe("items a probe can verify are verified by the system, with the measured value", () => {
  it("health, SELECT 1, PING, backups and the §6.4 targets come with what was measured", async () => {
    const id = await declare("Verification");
    let v: any;
    // The backup item waits for the worker's test restore of the newest backups (issue 17).
    for (let i = 0; i < 240; i++) {
      v = (await api("GET", `/api/incidents/${id}`)).body.verification;
      if (v["immediate-health-endpoint"]?.at && v["cp1-backup-verified"]?.verified) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    for (const itemId of [
      "immediate-health-endpoint",
      "immediate-database-connection",
      "immediate-redis-connection",
      "cp2-health-responding",
      "cp1-backup-verified",
      "metrics-database-query-time",
    ])
      expect(v[itemId], itemId).toMatchObject({ verified: true });
    expect(v["metrics-response-time-p95"].value).toBeGreaterThan(0);
    expect(v["immediate-database-connection"].why).toMatch(/\w/);
    // Manual items have no probe, so no verdict.
    expect(v["cp1-stakeholders-notified"]).toBeUndefined();
    // Nothing is ticked just because a probe passed: ticks are people's.
    expect((await api("GET", `/api/incidents/${id}`)).body.checklist).toEqual({});
  });
});

describe("checkpoints 4 and 5 open on schedule", () => {
  it("refuses a tick on Checkpoint 4 before 30 minutes after the rollback, saying when it opens", async () => {
    const id = await declare("Schedule");
    const early = await api(
      "POST",
      `/api/incidents/${id}/checklist`,
      { itemId: "cp4-error-rate", isTicked: true },
      bearer("commander"),
    );
    expect(early.status).toBe(409);
    expect(early.body.error).toMatch(/no rollback has completed yet/);
    // A rollback completes (a commander overrides Checkpoint 1 to get there quickly).
    const run = await api(
      "POST",
      "/api/runs",
      {
        runbook: "cache",
        params: { warm: false },
        incidentId: id,
        checkpointOverride: { reason: "testing the schedule of checkpoint 4" },
      },
      bearer("commander"),
    );
    await waitForRun(run.body.id);
    const stillEarly = await api(
      "POST",
      `/api/incidents/${id}/checklist`,
      { itemId: "cp5-system-stable", isTicked: true },
      bearer("commander"),
    );
    expect(stillEarly.status).toBe(409);
    expect(stillEarly.body.opensAt).toBeTruthy();
    const opensInHours = (new Date(stillEarly.body.opensAt).getTime() - Date.now()) / 3600_000;
    expect(opensInHours).toBeGreaterThan(23.9);
    expect(opensInHours).toBeLessThanOrEqual(24);
  });
});
