import { describe, expect, it } from "vitest";
import { api, BASE, bearer, startRun, waitForRun } from "./support/api";

// What a stranger can read: every public surface, with no credentials at all.
const anon = async (p: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${BASE}${p}`, { headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
};

// Internal markers planted in the incident: none may reach a public surface.
const MARKERS = [
  "db01.internal",
  "alice@corp.example",
  "ECONNREFUSED",
  "10.0.0.5",
  "/var/log/app.log",
  "token:test-",
  "127.0.0.1",
  "postgresql://",
  "redis://",
  "pm2",
  "Flushed the poisoned",
  "v1.0.0",
];
const leaks = (text: string) => MARKERS.filter((m) => text.includes(m));

async function firstSseState(): Promise<string> {
  const ctrl = new AbortController();
  const res = await fetch(`${BASE}/api/public/events`, { signal: ctrl.signal });
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const decoder = new TextDecoder();
  const reader = res.body!.getReader();
  let buf = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error("no state event");
      buf += decoder.decode(value, { stream: true });
      const block = buf.split("\n\n").find((b) => b.includes("event: state") && b.includes("\ndata: "));
      if (block && buf.indexOf(block) + block.length < buf.length) return block;
    }
  } finally {
    ctrl.abort();
  }
}

describe("the public status page: no sign-in, nothing internal, one shared state", () => {
  it("shows a seeded incident on every surface (HTML, JSON, feed, stream) without a single internal marker", async () => {
    const made = await api(
      "POST",
      "/api/incidents",
      {
        title: "API 500s on db01.internal (alice@corp.example)",
        severity: "P1",
        symptoms: "ECONNREFUSED 10.0.0.5 in /var/log/app.log",
        components: ["app-code"],
      },
      bearer("commander"),
    );
    const id = made.body.id;
    await api(
      "POST",
      `/api/incidents/${id}/checklist`,
      { itemId: "cp1-stakeholders-notified", isTicked: true, isOverride: false, reason: "told alice@corp.example" },
      bearer("commander"),
    );
    await api("POST", "/api/queue/no-such-queue/pause", {}, { ...bearer("engineer"), "x-backout-incident": id });
    const run = await startRun(
      "cache",
      { warm: false },
      { incidentId: id, checkpointOverride: { reason: "pm2 says ECONNREFUSED on db01.internal" } },
    );
    await waitForRun(run);
    await api(
      "PATCH",
      `/api/incidents/${id}`,
      { severity: "P1", reason: "alice@corp.example says worse" },
      bearer("commander"),
    );

    // The shared state follows within a second or two.
    let summary: any;
    for (let i = 0; i < 40; i++) {
      summary = JSON.parse((await anon("/api/v2/summary.json")).text);
      if (summary.incidents.some((x: any) => x.id === id && x.status === "monitoring")) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const mine = summary.incidents.find((x: any) => x.id === id);
    expect(mine).toMatchObject({ name: "Major disruption", status: "monitoring", impact: "major" });
    expect(mine.incident_updates.map((u: any) => u.status)).toEqual(["monitoring", "identified", "investigating"]);

    const pages = {
      html: await anon("/status"),
      incidentHtml: await anon(`/status/incidents/${id}`),
      summary: await anon("/api/v2/summary.json"),
      status: await anon("/api/v2/status.json"),
      components: await anon("/api/v2/components.json"),
      incidents: await anon("/api/v2/incidents.json"),
      unresolved: await anon("/api/v2/incidents/unresolved.json"),
      atom: await anon("/status/history.atom"),
    };
    for (const [name, page] of Object.entries(pages)) {
      expect(page.status, name).toBe(200);
      expect(leaks(page.text), name).toEqual([]);
    }
    expect(leaks(await firstSseState())).toEqual([]);
    expect(pages.html.text).toContain("Major disruption");
    expect(pages.incidentHtml.text).toContain("The rollback of Demo service is complete");
    expect(pages.atom.headers.get("content-type")).toContain("application/atom+xml");
    expect(pages.atom.text).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(JSON.parse(pages.status.text).status.indicator).toMatch(/major|critical/);

    // Resolved with an internal summary: the public reads only that it is resolved.
    await api(
      "PATCH",
      `/api/incidents/${id}`,
      { status: "resolved", summary: "Flushed the poisoned cache on db01.internal", confirmUnticked: true },
      bearer("commander"),
    );
    let resolved: any;
    for (let i = 0; i < 40; i++) {
      resolved = JSON.parse((await anon("/api/v2/incidents.json")).text).incidents.find((x: any) => x.id === id);
      if (resolved?.status === "resolved") break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(resolved.incident_updates[0].body).toBe("This incident has been resolved.");
    expect(leaks((await anon(`/status/incidents/${id}`)).text)).toEqual([]);
  });

  it("lets a proxy cache it: ETag, a 304 for what the client has, Cache-Control, open to other sites", async () => {
    const first = await anon("/api/v2/summary.json");
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    expect(first.headers.get("cache-control")).toBe("public, max-age=1, stale-while-revalidate=5");
    expect(first.headers.get("access-control-allow-origin")).toBe("*");
    const again = await anon("/api/v2/summary.json", { "if-none-match": etag });
    expect([304, 200]).toContain(again.status); // 200 only if the state moved in between
    if (again.status === 304) expect(again.text).toBe("");
  });

  it("a shareable incident page 404s for ids that are not incidents; the JSON needs no credentials even with a bad cookie", async () => {
    expect((await anon("/status/incidents/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await anon("/status/incidents/not-a-uuid")).status).toBe(404);
    // One address per incident: upper-case letters are sent to the canonical link.
    const id = (await api("POST", "/api/incidents", { title: "Case test", severity: "P3" }, bearer("commander"))).body
      .id as string;
    const upper = await fetch(`${BASE}/status/incidents/${id.toUpperCase()}`, { redirect: "manual" });
    expect(upper.status).toBe(301);
    expect(upper.headers.get("location")).toBe(`/status/incidents/${id}`);
    expect((await anon("/api/v2/status.json", { cookie: "backout_session=garbage" })).status).toBe(200);
  });

  it("names each target by its public name only, with its measured health and uptime days", async () => {
    const components = JSON.parse((await anon("/api/v2/components.json")).text).components;
    expect(components.map((c: any) => c.name)).toEqual(["Demo service", "Standby service"]);
    // The standby's HTTP service is down: the sampler measures it so.
    let standby: any;
    for (let i = 0; i < 40; i++) {
      standby = JSON.parse((await anon("/api/v2/components.json")).text).components[1];
      if (standby.status === "major_outage") break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(standby.status).toBe("major_outage");
    expect(JSON.stringify(components)).not.toContain('standby"');
  });
});
