import http from "node:http";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, backoutSql, bearer } from "./support/api";
import { RECEIVER_PORT, RECEIVER_SECRET } from "./support/env";

// A receiver on this machine standing in for Slack and stakeholders' webhooks: it records every
// request and answers per path (flaky fails twice, down always, busy says 429 Retry-After: 1, gone says 410).
type Hit = { path: string; at: number; headers: http.IncomingHttpHeaders; body: string };
const hits: Hit[] = [];
const counts = new Map<string, number>();
let server: http.Server;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const path = req.url ?? "";
      hits.push({ path, at: Date.now(), headers: req.headers, body });
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      if (path === "/flaky" && n <= 2) return res.writeHead(503).end("warming up");
      if (path === "/down") return res.writeHead(500).end("receiver broken");
      if (path === "/busy" && n === 1) return res.writeHead(429, { "retry-after": "1" }).end("slow down");
      if (path === "/gone") return res.writeHead(410).end("this hook was deleted");
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(RECEIVER_PORT, "127.0.0.1", r));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function declare(severity = "P1"): Promise<string> {
  const res = await api(
    "POST",
    "/api/incidents",
    { title: "Checkout errors after deploy", severity, symptoms: "Checkout fails for 20% of users" },
    bearer("commander"),
  );
  expect(res.status).toBe(201);
  return res.body.id;
}

async function send(incidentId: string, body: Record<string, unknown>, role: "commander" | "engineer" = "commander") {
  return api(
    "POST",
    `/api/incidents/${incidentId}/messages`,
    { template: "update", subject: "[UPDATE] Rollback in Progress", body: "Rollback Status: 40% complete", ...body },
    bearer(role),
  );
}

async function deliveriesOf(incidentId: string): Promise<any[]> {
  const res = await api("GET", `/api/incidents/${incidentId}/messages`, undefined, bearer("viewer"));
  return res.body.messages.flatMap((m: any) => m.deliveries);
}

async function waitForDelivery(
  incidentId: string,
  channel: string,
  done: (d: any) => boolean,
  timeoutMs = 20_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    last = (await deliveriesOf(incidentId)).find((d) => d.channel === channel);
    if (last && done(last)) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`delivery to ${channel} did not settle: ${JSON.stringify(last)}`);
}

describe("plan §7 messages are delivered as jobs, every attempt recorded", () => {
  it("a draft fills the template from the incident and marks what is not known as a gap", async () => {
    const id = await declare();
    const draft = await api(
      "GET",
      `/api/incidents/${id}/messages/draft?template=initiating`,
      undefined,
      bearer("commander"),
    );
    expect(draft.status).toBe(200);
    expect(draft.body.subject).toBe("[ACTION] Initiating Rollback - Checkout errors after deploy");
    expect(draft.body.body).toContain("Severity: P1");
    expect(draft.body.body).toContain("Impact: Checkout fails for 20% of users");
    expect(draft.body.body).not.toContain("undefined");
    // No rollback has started: its duration is a gap, named.
    expect(draft.body.gaps).toEqual(["expected duration"]);
    expect(draft.body.body).toContain("Expected Rollback Duration: [fill in: expected duration] minutes");
    expect(draft.body.channels.map((c: any) => [c.name, c.isSuggested])).toEqual([
      ["chat", false],
      ["signed", true],
      ["flaky", true],
      ["down", true],
      ["busy", true],
      ["gone", true],
    ]);
    // Never a URL or a secret.
    expect(JSON.stringify(draft.body)).not.toContain("127.0.0.1");
    expect(JSON.stringify(draft.body)).not.toContain("whsec_");
    expect(
      (await api("GET", `/api/incidents/${id}/messages/draft?template=nope`, undefined, bearer("commander"))).status,
    ).toBe(400);
  });

  it("delivers to Slack and signs webhooks the Standard Webhooks way (verified with its reference library)", async () => {
    const id = await declare();
    const res = await send(id, { channels: ["chat", "signed"] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await waitForDelivery(id, "signed", (d) => d.status === "delivered");
    await waitForDelivery(id, "chat", (d) => d.status === "delivered");
    const slack = hits.filter((h) => h.path === "/slack").at(-1)!;
    expect(JSON.parse(slack.body)).toEqual({
      text: "*[UPDATE] Rollback in Progress*\n\nRollback Status: 40% complete",
    });
    const hook = hits.filter((h) => h.path === "/ok").at(-1)!;
    const verified = new Webhook(RECEIVER_SECRET).verify(hook.body, {
      "webhook-id": String(hook.headers["webhook-id"]),
      "webhook-timestamp": String(hook.headers["webhook-timestamp"]),
      "webhook-signature": String(hook.headers["webhook-signature"]),
    }) as any;
    expect(verified.type).toBe("incident.message");
    expect(verified.data.incident.id).toBe(id);
    expect(verified.data.message.body).toBe("Rollback Status: 40% complete");
    // A stakeholder channel gets what the preview showed and the status page says: not the console's title, link or the sender.
    expect(verified.data.incident).toMatchObject({
      title: "Major disruption",
      url: expect.stringMatching(new RegExp(`/status/incidents/${id}$`)),
    });
    expect(JSON.stringify(verified)).not.toContain("Checkout errors after deploy");
    expect(verified.data.message.sentBy).toBeUndefined();
    // A tampered body does not verify.
    expect(() =>
      new Webhook(RECEIVER_SECRET).verify(hook.body.replace("40%", "90%"), hook.headers as Record<string, string>),
    ).toThrow();

    const timeline = (await api("GET", `/api/incidents/${id}`)).body.timeline.map((e: any) => e.type);
    expect(timeline).toContain("message.sent");
    expect(timeline.filter((t: string) => t === "message.delivered")).toHaveLength(2);
  });

  it("a receiver that fails twice gets three attempts, each recorded; the third delivers", async () => {
    const id = await declare();
    await send(id, { channels: ["flaky"] });
    const d = await waitForDelivery(id, "flaky", (x) => x.status === "delivered");
    expect(d.attemptLog.map((a: any) => [a.number, a.statusCode])).toEqual([
      [1, 503],
      [2, 503],
      [3, 200],
    ]);
    expect(d.attemptLog[0].error).toBe("HTTP 503: warming up");
    expect(d.attemptLog.every((a: any) => typeof a.durationMs === "number" && a.at)).toBe(true);
    // The documented schedule (300 ms, then 600 ms in this tier) separates them.
    const at = d.attemptLog.map((a: any) => Date.parse(a.at));
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(250);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(550);
  });

  it("a receiver that never succeeds: every attempt made, the delivery failed and kept, the timeline says so", async () => {
    const id = await declare();
    await send(id, { channels: ["down"] });
    const d = await waitForDelivery(id, "down", (x) => x.status === "failed");
    // DELIVERY_BACKOFF_MS has three waits here: four attempts in all.
    expect(d.attemptLog.map((a: any) => a.statusCode)).toEqual([500, 500, 500, 500]);
    expect(d.lastError).toMatch(/HTTP 500: receiver broken \(gave up after 4 attempts\)/);
    const failed = (await api("GET", `/api/incidents/${id}`)).body.timeline.find(
      (e: any) => e.type === "message.failed",
    );
    expect(failed.data).toMatchObject({ channel: "down", attempts: 4 });
    // The message itself is kept, and can be sent again: a new round of attempts.
    const again = await api("POST", `/api/deliveries/${d.id}/retry`, {}, bearer("commander"));
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    const second = await waitForDelivery(id, "down", (x) => x.status === "failed" && x.attemptLog.length === 8);
    expect(second.attemptLog.map((a: any) => a.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("honours Retry-After on a 429", async () => {
    const id = await declare();
    await send(id, { channels: ["busy"] });
    const d = await waitForDelivery(id, "busy", (x) => x.status === "delivered");
    expect(d.attemptLog.map((a: any) => [a.statusCode, a.retryAfterMs])).toEqual([
      [429, 1000],
      [200, null],
    ]);
    const at = d.attemptLog.map((a: any) => Date.parse(a.at));
    // Retry-After: 1 second, not the schedule's 300 ms.
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(950);
  });

  it("a 410 Gone disables the channel: no retries, and sending to it is refused until an admin enables it", async () => {
    const id = await declare();
    const before = counts.get("/gone") ?? 0;
    await send(id, { channels: ["gone"] });
    const d = await waitForDelivery(id, "gone", (x) => x.status === "failed");
    expect(d.attemptLog).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(counts.get("/gone")).toBe(before + 1);
    const refused = await send(id, { channels: ["gone"] });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/"gone" is disabled/);
    const channels = (await api("GET", "/api/channels", undefined, bearer("viewer"))).body.channels;
    expect(channels.find((c: any) => c.name === "gone").disabledReason).toMatch(/410/);
    expect(JSON.stringify(channels)).not.toContain("127.0.0.1");
    expect((await api("POST", "/api/channels/gone/enable", {}, bearer("commander"))).status).toBe(403);
    expect((await api("POST", "/api/channels/gone/enable", {}, bearer("admin"))).status).toBe(200);
    expect((await send(id, { channels: ["signed"] })).status).toBe(201);
  });

  it("a delivery recorded without a job (Redis lost it) is sent by the notifier's reconciler", async () => {
    const id = await declare();
    const [m] = await backoutSql(
      `INSERT INTO messages ("incidentId", template, body, channels, "sentBy") VALUES ($1, 'custom', 'orphaned', '{signed}', 'test') RETURNING id`,
      [id],
    );
    await backoutSql(
      `INSERT INTO message_deliveries ("messageId", channel, "createdAt") VALUES ($1, 'signed', now() - interval '1 minute')`,
      [m.id],
    );
    const d = await waitForDelivery(id, "signed", (x) => x.status === "delivered", 30_000);
    expect(d.attemptLog).toHaveLength(1);
  });

  it("bad input names the field, refuses gaps and unknown channels, and changes nothing", async () => {
    const id = await declare();
    const before = (await backoutSql(`SELECT count(*)::int AS n FROM messages`))[0].n;
    const gap = await send(id, { body: "ETA: [fill in: ETA] minutes", channels: ["signed"] });
    expect(gap.status).toBe(400);
    expect(gap.body.issues[0]).toEqual({ path: "body", message: "fill in: ETA" });
    expect((await send(id, { channels: ["nowhere"] })).body.issues[0].path).toBe("channels");
    expect((await send(id, { channels: [] })).body.issues[0].path).toBe("channels");
    expect((await send(id, { channels: ["signed"], url: "http://evil.example" })).status).toBe(400);
    expect((await send(id, { channels: ["signed"] }, "engineer")).status).toBe(403);
    expect((await backoutSql(`SELECT count(*)::int AS n FROM messages`))[0].n).toBe(before);
  });

  it("posting to the status page is an update on the incident's public history", async () => {
    const id = await declare();
    const res = await send(id, { channels: [], publicBody: "We have found the cause and are rolling back." });
    expect(res.status).toBe(201);
    const timeline = (await api("GET", `/api/incidents/${id}`)).body.timeline;
    expect(timeline.find((e: any) => e.type === "public.update").data.body).toBe(
      "We have found the cause and are rolling back.",
    );
    const deadline = Date.now() + 10_000;
    let incident: any;
    while (Date.now() < deadline) {
      incident = (await api("GET", "/api/v2/incidents/unresolved.json", undefined, {})).body.incidents.find(
        (i: any) => i.id === id,
      );
      if (incident?.incident_updates.some((u: any) => u.body.includes("rolling back"))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(incident.incident_updates[0].body).toBe("We have found the cause and are rolling back.");
  });
});

describe("plan §7.1: a P0/P1 owes an update every 15 minutes", () => {
  it("the notifier reminds on the timeline once the interval passes without an update, and again each interval", async () => {
    const p1 = await declare("P1");
    const p2 = await declare("P2");
    // Sixteen minutes ago, as far as the record knows.
    await backoutSql(
      `UPDATE incident_events SET at = now() - interval '16 minutes' WHERE "incidentId" = ANY($1::uuid[])`,
      [[p1, p2]],
    );
    const deadline = Date.now() + 15_000;
    let reminders: any[] = [];
    while (Date.now() < deadline && !reminders.length) {
      reminders = (await api("GET", `/api/incidents/${p1}`)).body.timeline.filter(
        (e: any) => e.type === "update.reminder",
      );
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toMatchObject({
      actorLabel: "Backout",
      data: { minutesSinceUpdate: 16, intervalMinutes: 15 },
    });
    // Once, not every check.
    await new Promise((r) => setTimeout(r, 2500));
    expect(
      (await api("GET", `/api/incidents/${p1}`)).body.timeline.filter((e: any) => e.type === "update.reminder"),
    ).toHaveLength(1);
    // A P2 promises nothing.
    expect(
      (await api("GET", `/api/incidents/${p2}`)).body.timeline.filter((e: any) => e.type === "update.reminder"),
    ).toHaveLength(0);
    // An update resets the clock.
    expect((await send(p1, { channels: [], publicBody: "Still working on it." })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 2500));
    expect(
      (await api("GET", `/api/incidents/${p1}`)).body.timeline.filter((e: any) => e.type === "update.reminder"),
    ).toHaveLength(1);
  });
});

describe("plan §10 contacts", () => {
  it("admins keep the roster; commanders assign roles per incident, on the timeline", async () => {
    const roster = await api("GET", "/api/contacts", undefined, bearer("viewer"));
    expect(roster.body.contacts.map((c: any) => [c.role, c.responsibility])).toEqual([
      ["On-Call Engineer", "Execute rollback"],
      ["Database Admin", "Database rollback"],
      ["DevOps Lead", "Infrastructure issues"],
      ["Engineering Manager", "Escalation point"],
      ["CTO", "Executive decision"],
    ]);
    expect(
      (
        await api(
          "PUT",
          "/api/contacts/database-admin",
          { person: "Dana", method: "Phone: +1 555 0100" },
          bearer("commander"),
        )
      ).status,
    ).toBe(403);
    expect((await api("PUT", "/api/contacts/wizard", { person: "Dana", method: "x" }, bearer("admin"))).status).toBe(
      400,
    );
    const put = await api(
      "PUT",
      "/api/contacts/database-admin",
      { person: "Dana Reyes", method: "Phone: +1 555 0100" },
      bearer("admin"),
    );
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      id: "database-admin",
      person: "Dana Reyes",
      method: "Phone: +1 555 0100",
      updatedBy: "token:test-admin",
    });

    const id = await declare();
    expect(
      (
        await api(
          "POST",
          `/api/incidents/${id}/roles`,
          { role: "incident-commander", person: "Sam" },
          bearer("engineer"),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await api(
          "POST",
          `/api/incidents/${id}/roles`,
          { role: "incident-commander", person: "Sam" },
          bearer("commander"),
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await api(
          "POST",
          `/api/incidents/${id}/roles`,
          { role: "incident-commander", person: "Alex" },
          bearer("commander"),
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await api(
          "POST",
          `/api/incidents/${id}/roles`,
          { role: "database-admin", person: "Dana Reyes" },
          bearer("commander"),
        )
      ).status,
    ).toBe(200);
    expect(
      (await api("POST", `/api/incidents/${id}/roles`, { role: "database-admin", person: "" }, bearer("commander")))
        .status,
    ).toBe(200);
    const incident = (await api("GET", `/api/incidents/${id}`)).body;
    expect(Object.keys(incident.assignments)).toEqual(["incident-commander"]);
    expect(incident.assignments["incident-commander"].person).toBe("Alex");
    const entries = incident.timeline
      .filter((e: any) => e.type === "role.assigned")
      .map((e: any) => [e.data.roleTitle, e.data.person, e.data.previous]);
    expect(entries).toEqual([
      ["Incident Commander", "Sam", null],
      ["Incident Commander", "Alex", "Sam"],
      ["Database Admin", "Dana Reyes", null],
      ["Database Admin", "", "Dana Reyes"],
    ]);
  });
});
