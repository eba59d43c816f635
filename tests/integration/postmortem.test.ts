import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, backoutSql, bearer } from "./support/api";

// plan §8.1: the post-mortem, written from the record. A seeded incident with fixed times (in 2030, so
// the sampler's pruning of old samples never touches its readings) gives a Markdown export that must
// match the reviewed file byte for byte; UPDATE_GOLDEN=1 rewrites the file for review.

const ID = "0b5e55ed-0000-4000-8000-000000000001";
const RUN = "0b5e55ed-0000-4000-8000-000000000002";
const MESSAGE = "0b5e55ed-0000-4000-8000-000000000003";
const TARGET = "golden-fixture";
const GOLDEN = path.join(__dirname, "fixtures", "postmortem.md");
const at = (hhmmss: string) => `2030-01-15T${hhmmss}.000Z`;

async function seed() {
  await backoutSql(`DELETE FROM incidents WHERE id = $1`, [ID]);
  await backoutSql(
    `INSERT INTO incidents (id, title, symptoms, severity, status, target, components, "detectedAt", "declaredBy", "createdAt", "rollbackCompletedAt", "resolvedAt", "lastSeq")
     VALUES ($1, 'Search results empty after v1.1.0', 'Search returned nothing for about a third of customers.', 'P1', 'resolved', $2, ARRAY['app-code'], $3, 'dana@example.com', $3, $4, $5, 7)`,
    [ID, TARGET, at("14:02:00"), at("14:19:30"), at("15:10:00")],
  );
  const events: [number, string, string, string, Record<string, unknown>][] = [
    [1, "14:02:05", "incident.declared", "dana@example.com", { severity: "P1" }],
    [
      2,
      "14:05:00",
      "checkpoint.overridden",
      "dana@example.com",
      {
        checkpoint: "checkpoint-1",
        runbook: "app-code",
        reason: "customers cannot search",
        missing: ["cp1-backup-verified"],
      },
    ],
    [3, "14:05:01", "run.started", "dana@example.com", { runId: RUN, runbook: "app-code" }],
    [
      4,
      "14:05:01",
      "incident.status_changed",
      "Backout",
      { from: "investigating", to: "rolling_back", isAutomatic: true, reason: "Application code rollback started" },
    ],
    [5, "14:19:30", "run.succeeded", "worker", { runId: RUN, runbook: "app-code", error: null }],
    [
      6,
      "14:19:30",
      "incident.status_changed",
      "Backout",
      {
        from: "rolling_back",
        to: "monitoring",
        isAutomatic: true,
        reason: "Application code rollback succeeded: rolled back in 17:30, target <30 minutes: met",
      },
    ],
    [
      7,
      "15:10:00",
      "incident.status_changed",
      "dana@example.com",
      {
        from: "monitoring",
        to: "resolved",
        summary: "Rolled back to v1.0.0; search is back for everyone.",
        finalDecision: {
          verdict: "yes",
          severity: "P1",
          why: ["Error rate 18% > 10% (P1)"],
          sampledAt: at("14:04:00"),
          flowchart: { action: "Rollback", pending: null },
        },
      },
    ],
  ];
  for (const [seq, time, type, actor, data] of events)
    await backoutSql(
      `INSERT INTO incident_events ("incidentId", seq, type, "actorLabel", data, at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [ID, seq, type, actor, JSON.stringify(data), at(time)],
    );
  await backoutSql(
    `INSERT INTO runs (id, runbook, target, status, "requestedBy", "incidentId", "createdAt", "startedAt", "finishedAt") VALUES ($1, 'app-code', $2, 'succeeded', 'dana@example.com', $3, $4, $4, $5)`,
    [RUN, TARGET, ID, at("14:05:01"), at("14:19:30")],
  );
  const steps: [number, string, string, string, string, string | null][] = [
    [0, "pause-queues", "Pause queues", "14:05:02", "14:05:03", null],
    [1, "checkout", "Check out v1.0.0", "14:05:03", "14:05:09", null],
    [2, "install", "Install and build", "14:05:09", "14:17:40", "npm ci failed once (network); retried"],
    [3, "restart", "Restart", "14:17:40", "14:19:30", null],
  ];
  for (const [index, key, name, start, end, error] of steps)
    await backoutSql(
      `INSERT INTO steps ("runId", index, key, name, kind, spec, status, "startedAt", "finishedAt", error, attempts) VALUES ($1, $2, $3, $4, 'shell', '{}', $5, $6, $7, $8, 1)`,
      [RUN, index, key, name, error ? "failed" : "succeeded", at(start), at(end), error],
    );
  // The install step "failed" above stands for one failed attempt; the run still succeeded.
  const ticks: [string, string, boolean, string | null, string][] = [
    ["checkpoint-1", "cp1-severity-confirmed", false, null, "14:03:00"],
    ["checkpoint-1", "cp1-stakeholders-notified", false, null, "14:04:00"],
    ["checkpoint-1", "cp1-backup-verified", true, "customers cannot search", "14:05:00"],
    ["immediate-checks", "immediate-health-endpoint", false, null, "14:20:00"],
    ["immediate-checks", "immediate-api-endpoints", false, null, "14:21:00"],
    ["immediate-checks", "immediate-queue-status", false, null, "14:22:00"],
    ["immediate-checks", "immediate-error-logs", false, null, "14:23:00"],
    ["immediate-checks", "immediate-database-connection", false, null, "14:24:00"],
    ["immediate-checks", "immediate-redis-connection", false, null, "14:25:00"],
    ["continuous-improvement", "improve-share-learnings", false, null, "15:20:00"],
  ];
  for (const [checklistId, itemId, isOverride, reason, time] of ticks)
    await backoutSql(
      `INSERT INTO checklist_ticks ("incidentId", "checklistId", "itemId", "isTicked", "isOverride", reason, "actorLabel", at) VALUES ($1, $2, $3, true, $4, $5, 'dana@example.com', $6)`,
      [ID, checklistId, itemId, isOverride, reason, at(time)],
    );
  await backoutSql(
    `INSERT INTO messages (id, "incidentId", template, subject, body, channels, "sentBy", "createdAt", "publicBody") VALUES ($1, $2, 'initial', 'Search is failing for some customers', 'We are rolling back.', ARRAY['chat', 'signed'], 'dana@example.com', $3, 'Search is failing for some customers.')`,
    [MESSAGE, ID, at("14:04:30")],
  );
  await backoutSql(
    `INSERT INTO message_deliveries ("messageId", channel, status, attempts) VALUES ($1, 'chat', 'delivered', 1), ($1, 'signed', 'failed', 3)`,
    [MESSAGE],
  );
  await backoutSql(`DELETE FROM metric_samples WHERE target = $1`, [TARGET]);
  const samples: [string, number, number, boolean][] = [
    ["13:40:00", 0.4, 180, true],
    ["13:50:00", 0.6, 190, true],
    ["14:04:00", 18, 900, true],
    ["14:10:00", 21, 950, false],
    ["14:18:00", 16, 700, true],
    ["14:25:00", 0.5, 185, true],
    ["14:40:00", 0.3, 175, true],
  ];
  for (const [time, errorRate, p95, up] of samples)
    await backoutSql(`INSERT INTO metric_samples (target, at, values, "durationMs") VALUES ($1, $2, $3, 10)`, [
      TARGET,
      at(time),
      JSON.stringify({ errorRate, responseTimeP95Ms: p95, healthUp: up }),
    ]);
}

beforeAll(seed);
// Dated 2030, the seeded rows would sort first in every "newest" list the other files read.
afterAll(async () => {
  await backoutSql(`DELETE FROM runs WHERE id = $1`, [RUN]);
  await backoutSql(`DELETE FROM incidents WHERE id = $1`, [ID]);
  await backoutSql(`DELETE FROM metric_samples WHERE target = $1`, [TARGET]);
});

describe("post-mortem from the record (plan §8.1)", () => {
  it("its timeline is the recorded events exactly: every incident entry and every step's start and end, same order, same times", async () => {
    const { facts } = (await api("GET", `/api/incidents/${ID}/postmortem`, undefined, bearer("viewer"))).body;
    const recorded = await backoutSql<{ seq: number; type: string; actorLabel: string; at: Date }>(
      `SELECT seq, type, "actorLabel", at FROM incident_events WHERE "incidentId" = $1 ORDER BY seq`,
      [ID],
    );
    const incidentLines = facts.timeline.filter((l: any) => l.kind === "incident");
    expect(incidentLines.map((l: any) => ({ seq: l.seq, type: l.type, by: l.by, at: l.at }))).toEqual(
      recorded.map((e) => ({ seq: e.seq, type: e.type, by: e.actorLabel, at: e.at.toISOString() })),
    );
    const steps = await backoutSql<{ startedAt: Date; finishedAt: Date; status: string }>(
      `SELECT "startedAt", "finishedAt", status FROM steps WHERE "runId" = $1 ORDER BY index`,
      [RUN],
    );
    const stepLines = facts.timeline.filter((l: any) => l.kind === "step");
    expect(stepLines.map((l: any) => [l.type, l.at])).toEqual(
      steps.flatMap((s) => [
        ["step.started", s.startedAt.toISOString()],
        [`step.${s.status}`, s.finishedAt.toISOString()],
      ]),
    );
    // One order for all: by time, ties kept as recorded.
    const times = facts.timeline.map((l: any) => l.at);
    expect([...times].sort()).toEqual(times);
    expect(facts.rollback).toMatchObject({ tookMs: 17.5 * 60_000, targetMinutes: 30, isMet: true });
    expect(facts.milestones).toEqual({
      detected: at("14:02:00"),
      rollbackInitiated: at("14:05:01"),
      rollbackCompleted: at("14:19:30"),
      serviceVerified: at("14:25:00"),
    });
  });

  it("is started once by a commander, proposes follow-ups from the record, moves draft → in review → published, and is then final", async () => {
    expect((await api("POST", `/api/incidents/${ID}/postmortem`, undefined, bearer("engineer"))).status).toBe(403);
    const started = await api("POST", `/api/incidents/${ID}/postmortem`, undefined, bearer("commander"));
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body.actionItems.map((a: any) => a.source)).toEqual([
      "checkpoint:cp1-backup-verified",
      `step:${at("14:17:40")}`,
    ]);
    expect((await api("POST", `/api/incidents/${ID}/postmortem`, undefined, bearer("commander"))).status).toBe(409);

    const words = {
      rootCause: "v1.1.0 changed the search index's field names without a migration for existing documents.",
      detection: "The error-rate alert fired at 14:02; support had two tickets a minute later.",
      wentWell: "The rollback ran from the console in one go.\nThe status page was updated before customers asked.",
      wentWrong:
        "The backup was not verified before the rollback (Checkpoint 1 overridden).\nnpm ci failed once on the network.",
      preventive: "Reindex in a migration step, behind a flag.",
    };
    const saved = await api("PATCH", `/api/incidents/${ID}/postmortem`, words, bearer("commander"));
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.postmortem).toMatchObject({ ...words, status: "draft" });
    const item = await api(
      "POST",
      `/api/incidents/${ID}/action-items`,
      { title: "Alert on search result counts, not just errors", owner: "Sam", dueDate: "2030-01-31" },
      bearer("commander"),
    );
    expect(item.status, JSON.stringify(item.body)).toBe(201);
    const bad = await api(
      "POST",
      `/api/incidents/${ID}/action-items`,
      { title: "x", dueDate: "2030-02-30" },
      bearer("commander"),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: any) => i.path)).toEqual(["title", "dueDate"]);

    // The reviewed Markdown (the post-mortem still a draft, so no dated status moves in it).
    const md = await fetch(`${(await import("./support/api")).BASE}/api/incidents/${ID}/postmortem.md`, {
      headers: bearer("viewer"),
    });
    expect(md.headers.get("content-type")).toContain("text/markdown");
    const text = await md.text();
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(GOLDEN, text);
    expect(text).toBe(fs.readFileSync(GOLDEN, "utf8"));

    // Moves: not straight to published; through review; then final.
    const skip = await api("PATCH", `/api/incidents/${ID}/postmortem`, { status: "published" }, bearer("commander"));
    expect(skip.status).toBe(409);
    expect(skip.body.error).toMatch(/draft → in review → published/);
    expect(
      (await api("PATCH", `/api/incidents/${ID}/postmortem`, { status: "in_review" }, bearer("commander"))).status,
    ).toBe(200);
    const published = await api(
      "PATCH",
      `/api/incidents/${ID}/postmortem`,
      { status: "published" },
      bearer("commander"),
    );
    expect(published.body.postmortem.status).toBe("published");
    expect(published.body.postmortem.history.map((h: any) => [h.from, h.to, h.by])).toEqual([
      ["draft", "in_review", "token:test-commander"],
      ["in_review", "published", "token:test-commander"],
    ]);
    const edit = await api("PATCH", `/api/incidents/${ID}/postmortem`, { rootCause: "rewritten" }, bearer("commander"));
    expect(edit.status).toBe(409);
    expect(edit.body.error).toMatch(/published and final/);
    // The facts cannot be edited at all: no field of the request names them.
    const facts = await api("PATCH", `/api/incidents/${ID}/postmortem`, { timeline: [] }, bearer("commander"));
    expect(facts.status).toBe(400);

    // Action items across incidents, open first; done with who.
    const list = (await api("GET", "/api/action-items", undefined, bearer("viewer"))).body.actionItems;
    const mine = list.filter((a: any) => a.incidentId === ID);
    expect(mine).toHaveLength(3);
    const done = await api("PATCH", `/api/action-items/${item.body.id}`, { isDone: true }, bearer("commander"));
    expect(done.body).toMatchObject({ isDone: true, doneBy: "token:test-commander" });
    expect(
      (await api("GET", "/api/action-items?state=done", undefined, bearer("viewer"))).body.actionItems.map(
        (a: any) => a.id,
      ),
    ).toContain(item.body.id);
  });
});
