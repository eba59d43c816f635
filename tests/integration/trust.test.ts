import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import {
  api,
  backoutSql,
  BASE,
  bearer,
  env,
  readEvents,
  readSse,
  signIn,
  signedInUser as user,
  startRun,
  waitForRun,
} from "./support/api";
import { STANDBY } from "./support/env";

// What an outside probe got through, closed: each hole with the request that opened it.

const auditCount = async () => (await backoutSql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_entries`))[0]!.n;

async function raw(method: string, path: string, headers: Record<string, string>, body?: string | Buffer) {
  const res = await fetch(`${BASE}${path}`, { method, headers, body: body as BodyInit | undefined });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* text */
  }
  return { status: res.status, headers: res.headers, body: parsed, size: text.length };
}

// The throttle's counters for this machine's address: cleared so other files can sign in.
afterAll(async () => {
  const r = new Redis(env.REDIS_URL!);
  const found = await r.keys(`{${env.BACKOUT_REDIS_PREFIX}}:sign-in:*`);
  if (found.length) await r.del(...found);
  r.disconnect();
});

describe("cross-site requests (CSRF)", () => {
  it("a change made with a session cookie must come from Backout's own pages, as JSON; a token needs neither", async () => {
    const { cookie } = await user("csrf@example.com", "engineer");
    const json = { "content-type": "application/json" };
    const cases: [string, Record<string, string>, number, RegExp | null][] = [
      [
        "foreign Origin",
        { cookie, ...json, origin: "http://127.0.0.1:3202" },
        403,
        /came from http:\/\/127\.0\.0\.1:3202/,
      ],
      ["no Origin at all", { cookie, ...json }, 403, /no Origin header/],
      [
        "same site, other port (Sec-Fetch-Site)",
        { cookie, ...json, "sec-fetch-site": "same-site", origin: "http://127.0.0.1:3202" },
        403,
        /another page on the same site/,
      ],
      [
        "a form post",
        { cookie, origin: BASE, "content-type": "application/x-www-form-urlencoded" },
        403,
        /Content-Type: application\/json/,
      ],
      ["text/plain", { cookie, origin: BASE, "content-type": "text/plain" }, 403, /Content-Type: application\/json/],
      ["own origin, JSON", { cookie, ...json, origin: BASE }, 200, null],
      ["own origin by Sec-Fetch-Site", { cookie, ...json, "sec-fetch-site": "same-origin" }, 200, null],
      ["a token from anywhere", { ...bearer("engineer"), ...json, origin: "http://evil.example" }, 200, null],
    ];
    for (const [name, headers, status, message] of cases) {
      const res = await raw("POST", "/api/queue/pause-all", headers, "{}");
      expect(res.status, name).toBe(status);
      if (message) expect(res.body.error, name).toMatch(message);
    }
    await api("POST", "/api/queue/resume-all", {}, bearer("engineer"));
  });

  it("a cross-site sign-out (or sign-in) is refused and the session lives on", async () => {
    const { cookie } = await user("signout-csrf@example.com", "viewer");
    const out = await raw(
      "POST",
      "/api/auth/sign-out",
      { cookie, "content-type": "application/json", origin: "http://evil.example" },
      "{}",
    );
    expect(out.status).toBe(403);
    expect((await api("GET", "/api/auth/me", undefined, { cookie })).status).toBe(200);
    const login = await raw(
      "POST",
      "/api/auth/sign-in",
      { "content-type": "application/json", origin: "http://evil.example" },
      JSON.stringify({ email: "signout-csrf@example.com", password: "a long enough password" }),
    );
    expect(login.status).toBe(403);
  });
});

describe("security headers", () => {
  it("pages carry a nonce-based CSP that forbids framing, and Next's scripts carry the nonce", async () => {
    const page = await fetch(`${BASE}/sign-in`);
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    const html = await page.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s).toContain(`nonce="${nonce}"`);
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("referrer-policy")).toBe("same-origin");
    expect(page.headers.get("permissions-policy")).toContain("camera=()");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    // A second page load gets a new nonce.
    expect((await fetch(`${BASE}/sign-in`)).headers.get("content-security-policy")).not.toBe(csp);
  });

  it("what an authenticated API answers is never stored by a browser or proxy", async () => {
    const res = await fetch(`${BASE}/api/runs`, { headers: bearer("viewer") });
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("sign-in", () => {
  it("wrong passwords are throttled per account (429 with Retry-After), even the right one while it lasts", async () => {
    await api("POST", "/api/users", { email: "guessed@example.com", role: "viewer", password: "the real password" });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await signIn("guessed@example.com", `guess ${i}`)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
    const locked = await raw(
      "POST",
      "/api/auth/sign-in",
      { "content-type": "application/json", origin: BASE },
      JSON.stringify({ email: "guessed@example.com", password: "the real password" }),
    );
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(locked.body.error).toMatch(/Too many wrong passwords for this account; try again in \d+ min/);
  });

  it("counts a guess before checking it: 25 sent at once get exactly 10 answers and 15 refusals; an admin's reset lets the user in", async () => {
    const r = new Redis(env.REDIS_URL!);
    for (const k of await r.keys(`{${env.BACKOUT_REDIS_PREFIX}}:sign-in:*`)) await r.del(k);
    r.disconnect();
    const made = await api("POST", "/api/users", {
      email: "burst@example.com",
      role: "viewer",
      password: "the burst password",
    });
    const statuses = await Promise.all(
      Array.from({ length: 25 }, (_, i) => signIn("burst@example.com", `burst guess ${i}`).then((x) => x.status)),
    );
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    expect((await signIn("burst@example.com", "the burst password")).status).toBe(429);
    const reset = await api("POST", `/api/users/${made.body.id}/reset-password`);
    expect(reset.status).toBe(200);
    expect((await signIn("burst@example.com", reset.body.oneTimePassword)).status).toBe(200);
  });

  it("a signed-in session is no oracle: wrong current passwords when changing it count too", async () => {
    const r = new Redis(env.REDIS_URL!);
    for (const k of await r.keys(`{${env.BACKOUT_REDIS_PREFIX}}:sign-in:*`)) await r.del(k);
    r.disconnect();
    const { cookie } = await user("oracle@example.com", "viewer", "the oracle password");
    const change = (current: string) =>
      raw(
        "POST",
        "/api/auth/password",
        { "content-type": "application/json", origin: BASE, cookie },
        JSON.stringify({ current, next: "a brand new password" }),
      );
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await change(`oracle guess ${i}`)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(400));
    expect(statuses[10]).toBe(429);
    // The right one is refused too while it lasts: the guesser cannot tell it apart.
    expect((await change("the oracle password")).status).toBe(429);
  });

  it("and per client address, across accounts", async () => {
    const r = new Redis(env.REDIS_URL!);
    for (const k of await r.keys(`{${env.BACKOUT_REDIS_PREFIX}}:sign-in:*`)) await r.del(k);
    r.disconnect();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await signIn(`nobody-${i}@example.com`, "wrong")).status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(30);
    expect(statuses[30]).toBe(429);
  });

  it("costs the same whether the email is unknown, the account disabled or the password wrong", async () => {
    const r = new Redis(env.REDIS_URL!);
    for (const k of await r.keys(`{${env.BACKOUT_REDIS_PREFIX}}:sign-in:*`)) await r.del(k);
    r.disconnect();
    const { id } = await user("timing-disabled@example.com", "viewer", "the timing password");
    await api("PATCH", `/api/users/${id}`, { disabled: true });
    await api("POST", "/api/users", {
      email: "timing-active@example.com",
      role: "viewer",
      password: "the timing password",
    });
    // Taken in turns, so whatever else the machine does falls on all three alike; the median of 15 each.
    const kinds = [
      ["unknown", "timing-unknown@example.com", "the timing password"],
      ["disabled", "timing-disabled@example.com", "the timing password"],
      ["wrong", "timing-active@example.com", "not the password"],
    ] as const;
    const times: Record<string, number[]> = { unknown: [], disabled: [], wrong: [] };
    const counters = new Redis(env.REDIS_URL!);
    for (let i = 0; i < 15; i++)
      for (const [kind, email, password] of kinds) {
        // Below the throttle's limits, so every attempt does the full work.
        const found = await counters.keys(`{${env.BACKOUT_REDIS_PREFIX}}:sign-in:*`);
        if (found.length) await counters.del(...found);
        const t0 = performance.now();
        expect((await signIn(email, password)).status).toBe(401);
        times[kind]!.push(performance.now() - t0);
      }
    counters.disconnect();
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[7]!;
    const [unknown, disabled, wrong] = kinds.map(([k]) => median(times[k]!)) as [number, number, number];
    const spread = Math.max(unknown, disabled, wrong) - Math.min(unknown, disabled, wrong);
    // All three do one argon2 verification (the probe found 7.7 ms against 24.5 ms before); what is left is noise.
    expect(
      spread,
      `unknown ${unknown.toFixed(1)} ms, disabled ${disabled.toFixed(1)} ms, wrong ${wrong.toFixed(1)} ms`,
    ).toBeLessThan(Math.max(10, 0.4 * Math.min(unknown, disabled, wrong)));
  });
});

describe("bodies, input and what is echoed", () => {
  it("refuses oversized bodies with a 413, before reading them, and audits the refusal", async () => {
    const before = await auditCount();
    const huge = Buffer.alloc(10 * 1024 * 1024, "a");
    const t0 = performance.now();
    const res = await raw("POST", "/api/auth/sign-in", { "content-type": "application/json", origin: BASE }, huge);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatch(/larger than this endpoint takes \(4,096 bytes\)/);
    expect(performance.now() - t0).toBeLessThan(2000);
    const big = await api(
      "POST",
      "/api/runs",
      { runbook: "app-code", params: { release: "v".repeat(70 * 1024) } },
      bearer("engineer"),
    );
    expect(big.status).toBe(413);
    expect(await auditCount()).toBe(before + 2);
  });

  it("never echoes a long value back: the answer and the audit row stay small", async () => {
    const long = "x".repeat(60 * 1024);
    const res = await api("POST", "/api/runs", { runbook: long }, bearer("engineer"));
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body).length).toBeLessThan(4000);
    const [row] = await backoutSql<{ size: number }>(
      `SELECT length(detail::text) AS size FROM audit_entries ORDER BY id DESC LIMIT 1`,
    );
    expect(row!.size).toBeLessThan(8000);
  });

  it.each([
    ["a NUL byte", { title: "Checkout\u0000 down", severity: "P2" }, "title"],
    ["a lone surrogate", { title: "Checkout \ud800 down", severity: "P2" }, "title"],
    ["a NUL in the symptoms", { title: "Checkout down", severity: "P2", symptoms: "see\u0000logs" }, "symptoms"],
  ])("%s is a 400 naming the field, and the refusal is audited", async (_name, body, field) => {
    const before = await auditCount();
    const res = await api("POST", "/api/incidents", body, bearer("commander"));
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path)).toContain(field);
    expect(await auditCount()).toBe(before + 1);
  });

  it("deeply nested JSON is refused and audited, never a 500", async () => {
    const before = await auditCount();
    const deep = "[".repeat(5000) + "]".repeat(5000);
    const res = await raw(
      "POST",
      "/api/incidents",
      { ...bearer("commander"), "content-type": "application/json" },
      `{"title":"deep","severity":"P2","components":${deep}}`,
    );
    expect(res.status).toBe(400);
    expect(await auditCount()).toBe(before + 1);
  });

  it("the two 500s the probe found are 400s naming the field", async () => {
    const nul = await api("GET", "/api/runs?target=a%00b", undefined, bearer("viewer"));
    expect(nul.status).toBe(400);
    expect(nul.body.issues[0].path).toBe("query.target");
    const ancient = await api(
      "POST",
      "/api/incidents",
      { title: "Before time", severity: "P2", detectedAt: "-004714-01-01T00:00:00Z" },
      bearer("commander"),
    );
    expect(ancient.status).toBe(400);
    expect(ancient.body.issues[0].path).toBe("detectedAt");
  });

  it("impossible dates are 400s naming the field, never a 500 and never another day; nothing changes", async () => {
    const incidents = async () => (await backoutSql<{ n: number }>(`SELECT count(*)::int AS n FROM incidents`))[0]!.n;
    const before = await incidents();
    const feb30 = await api(
      "POST",
      "/api/incidents",
      { title: "Impossible day", severity: "P2", detectedAt: "2026-02-30T10:00:00Z" },
      bearer("commander"),
    );
    expect(feb30.status).toBe(400);
    expect(feb30.body.issues[0]).toMatchObject({
      path: "detectedAt",
      message: expect.stringMatching(/not a real date/),
    });
    expect(await incidents()).toBe(before);

    const incidentId = (
      await api("POST", "/api/incidents", { title: "Dates of action items", severity: "P3" }, bearer("commander"))
    ).body.id;
    const items = async () =>
      (
        await backoutSql<{ n: number }>(`SELECT count(*)::int AS n FROM action_items WHERE "incidentId" = $1`, [
          incidentId,
        ])
      )[0]!.n;
    for (const dueDate of ["0000-01-01", "2026-02-30"]) {
      const made = await api(
        "POST",
        `/api/incidents/${incidentId}/action-items`,
        { title: "Alert on errors", dueDate },
        bearer("commander"),
      );
      expect(made.status, dueDate).toBe(400);
      expect(made.body.issues[0].path).toBe("dueDate");
    }
    expect(await items()).toBe(0);
    const item = await api(
      "POST",
      `/api/incidents/${incidentId}/action-items`,
      { title: "Alert on errors", dueDate: "2026-12-31" },
      bearer("commander"),
    );
    expect(item.status).toBe(201);
    const patched = await api(
      "PATCH",
      `/api/action-items/${item.body.id}`,
      { dueDate: "0000-01-01" },
      bearer("commander"),
    );
    expect(patched.status).toBe(400);
    expect(patched.body.issues[0].path).toBe("dueDate");
    const [row] = await backoutSql<{ due: string }>(`SELECT "dueDate"::text AS due FROM action_items WHERE id = $1`, [
      item.body.id,
    ]);
    expect(row!.due).toBe("2026-12-31");
  });
});

describe("what each role may see of a run's steps", () => {
  it("viewers see what runs, never where: no URLs, server paths or environment values; a step's own key is never masked", async () => {
    const id = (await api("POST", "/api/runs", { runbook: "db-backup", dryRun: true }, bearer("engineer"))).body.id;
    const asViewer = (await api("GET", `/api/runs/${id}`, undefined, bearer("viewer"))).body;
    const text = JSON.stringify(asViewer.steps);
    for (const marker of ["postgresql://", "redis://", env.BACKOUT_DATA_DIR!, "/work", 'PM2_HOME":'])
      expect(text, marker).not.toContain(marker);
    expect(asViewer.steps[0].spec).toMatchObject({
      kind: "postgres",
      key: expect.not.stringMatching(/\*/),
      name: expect.any(String),
    });
    const asEngineer = (await api("GET", `/api/runs/${id}`, undefined, bearer("engineer"))).body;
    expect(JSON.stringify(asEngineer.steps)).toContain("postgresql://");
    expect(asEngineer.steps[0].spec.key).toBe(asEngineer.steps[0].key);
  });
});

describe("what each role may read of a run's output, errors and results", () => {
  it("a viewer reads them without locations, live and after the fact; an engineer reads them as written", async () => {
    const id = await startRun("db-backup");
    const isEnd = (evs: any[]) => evs.some((e) => e.type === "run.succeeded" || e.type === "run.failed");
    const [live, engineerLive] = await Promise.all([
      readSse(id, { stop: isEnd, timeoutMs: 60_000 }),
      readSse(id, { stop: isEnd, timeoutMs: 60_000, as: "engineer" }),
    ]);
    const run = await waitForRun(id);
    expect(run.status, run.error).toBe("succeeded");
    const dataDir = env.BACKOUT_DATA_DIR!;
    // The engineer's view has the backup's path (so the viewer's could have had it too).
    expect(JSON.stringify(engineerLive.events)).toContain(dataDir);
    expect(JSON.stringify(run.steps[0].result)).toContain(dataDir);
    const asViewer = (await api("GET", `/api/runs/${id}`, undefined, bearer("viewer"))).body;
    for (const [what, seen] of [
      ["live events", live.events],
      ["the run", asViewer],
      ["replayed events", (await readSse(id, { stop: isEnd })).events],
    ] as const) {
      const text = JSON.stringify(seen);
      expect(text, what).not.toContain(dataDir);
      expect(text, what).not.toMatch(/postgres(ql)?:\/\//);
    }
    expect(asViewer.steps[0].result).toMatchObject({
      name: run.steps[0].result.name,
      bytes: run.steps[0].result.bytes,
    });
    expect(asViewer.steps[0].result).not.toHaveProperty("file");
    // Every event still reaches the viewer, in order.
    expect(live.ids).toEqual(engineerLive.ids);
  });
});

describe("what each role may read of an incident's record", () => {
  it("a viewer reads reasons, summaries, subjects and errors without locations on every surface; an engineer as written", async () => {
    const where = [
      "https://grafana.internal:3000/d/api",
      "/etc/backout/secrets.yml",
      "10.0.0.5:5432",
      "DB_PASSWORD=hunter2",
    ];
    const said = `see ${where.join(" and ")}`;
    const incidentId = (
      await api(
        "POST",
        "/api/incidents",
        { title: "Masking on every surface", severity: "P3", symptoms: said },
        bearer("commander"),
      )
    ).body.id;
    const as = { ...bearer("commander"), "x-backout-incident": incidentId };
    expect((await api("PATCH", `/api/incidents/${incidentId}`, { severity: "P2", reason: said }, as)).status).toBe(200);
    const sent = await api(
      "POST",
      `/api/incidents/${incidentId}/messages`,
      { template: "internal", subject: `Errors: ${said}`, body: `Body: ${said}`, channels: ["chat"] },
      as,
    );
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const resolved = await api(
      "PATCH",
      `/api/incidents/${incidentId}`,
      { status: "resolved", summary: `Rolled back; ${said}`, confirmUnticked: true },
      as,
    );
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);

    const surfaces = async (role: "viewer" | "engineer") => ({
      incident: (await api("GET", `/api/incidents/${incidentId}`, undefined, bearer(role))).body,
      stream: (
        await readEvents(`/api/incidents/${incidentId}/events`, {
          as: role,
          stop: (evs) => evs.some((e) => e.data?.to === "resolved"),
        })
      ).events,
      messages: (await api("GET", `/api/incidents/${incidentId}/messages`, undefined, bearer(role))).body,
      postmortem: (await api("GET", `/api/incidents/${incidentId}/postmortem`, undefined, bearer(role))).body,
    });
    const [viewer, engineer] = [await surfaces("viewer"), await surfaces("engineer")];
    for (const [surface, seen] of Object.entries(viewer)) {
      const text = JSON.stringify(seen);
      for (const w of [...where, "grafana.internal", "hunter2", "/etc/backout"])
        expect(text, `${surface}: ${w}`).not.toContain(w);
    }
    // Engineers read what was written (so the viewer's copy could have had it).
    for (const [surface, seen] of Object.entries(engineer))
      expect(JSON.stringify(seen), surface).toContain("grafana.internal");
    // The viewer still reads what happened, in its words, with the locations taken out.
    const changed = viewer.incident.timeline.find((e: any) => e.type === "incident.severity_changed");
    expect(changed.data).toEqual({
      from: "P3",
      to: "P2",
      reason: expect.stringMatching(/^see \[url\] and secrets\.yml and \[host\]/),
    });
    expect(viewer.incident.resolution.summary).toMatch(/^Rolled back; see \[url\]/);
    expect(viewer.messages.messages[0].subject).toMatch(/^Errors: see \[url\]/);
    expect(viewer.incident.timeline.map((e: any) => e.type)).toEqual(
      engineer.incident.timeline.map((e: any) => e.type),
    );
  });
});

describe("live streams end with the credential", () => {
  it("a stream opened with a token closes within seconds of the token's revocation", async () => {
    const made = await api("POST", "/api/tokens", { name: "watching", role: "viewer" });
    const headers = { authorization: `Bearer ${made.body.token}` };
    const started = Date.now();
    let revokedAt = 0;
    const watching = readEvents("/api/incidents/events", { stop: () => false, timeoutMs: 30_000, as: headers }).then(
      () => Date.now(),
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect((await api("DELETE", `/api/tokens/${made.body.id}`)).status).toBe(200);
    revokedAt = Date.now();
    const ended = await watching;
    // STREAM_REAUTH_MS is 1 s in the test stack (30 s by default): closed well before the 30 s timeout.
    expect(ended - revokedAt, `ended ${ended - started} ms after opening`).toBeLessThan(5_000);
    expect((await api("GET", "/api/incidents/events", undefined, headers)).status).toBe(401);
  });
});

describe("two people for a high-risk approval", () => {
  // A run held at its approval gate, made directly so nothing destructive runs after it.
  async function heldRun(
    target: string,
    runbook: string,
    by: { label: string; ids: string[] } = { label: "token:test-commander", ids: [] },
  ): Promise<string> {
    const [run] = await backoutSql<{ id: string }>(
      `INSERT INTO runs (runbook, target, status, "requestedBy", "requestedByIds", "startedAt") VALUES ($1, $2, 'waiting_approval', $3, $4, now()) RETURNING id`,
      [runbook, target, by.label, by.ids],
    );
    await backoutSql(
      `INSERT INTO steps ("runId", index, key, name, kind, spec, status, "startedAt") VALUES ($1, 0, 'approve', 'Approve restore', 'approval-gate', '{"kind":"approval-gate","key":"approve","name":"Approve restore","prompt":"Restore?","timeoutMs":3600000}', 'waiting_approval', now())`,
      [run!.id],
    );
    return run!.id;
  }

  it("the commander who started a restore cannot approve it alone; another can", async () => {
    const id = await heldRun("demo", "db-restore");
    const self = await api("POST", `/api/runs/${id}/approve`, {}, bearer("commander"));
    expect(self.status).toBe(403);
    expect(self.body).toMatchObject({
      code: "SECOND_PERSON_REQUIRED",
      error: expect.stringMatching(/another commander must approve it/),
    });
    // Stopping it is always one person's call.
    expect((await api("POST", `/api/runs/${id}/reject`, { comment: "not now" }, bearer("commander"))).status).toBe(200);
    const other = await heldRun("demo", "db-restore");
    expect((await api("POST", `/api/runs/${other}/approve`, {}, bearer("admin"))).status).toBe(200);
    expect((await waitForRun(other)).status).toBe("succeeded");
  });

  it("is the same person by any credential: their session, a token they made, or a token that token made", async () => {
    const admin = await user("two-credentials@example.com", "admin");
    const mint = (headers: Record<string, string>, name: string, role: string) =>
      api("POST", "/api/tokens", { name, role }, headers);
    const own = await mint({ cookie: admin.cookie }, "my-own-admin", "admin");
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    const second = await mint({ authorization: `Bearer ${own.body.token}` }, "minted-by-my-token", "commander");
    expect(second.status).toBe(201);
    // Started with a token of theirs (the principals are what a real start records: checked below).
    const id = await heldRun("demo", "data-rollback", {
      label: "token:my-own-admin",
      ids: [`token:${own.body.id}`, `user:${admin.id}`],
    });
    for (const headers of [{ cookie: admin.cookie }, { authorization: `Bearer ${second.body.token}` }] as Record<
      string,
      string
    >[]) {
      const self = await api("POST", `/api/runs/${id}/approve`, {}, headers);
      expect(self.status, JSON.stringify(self.body)).toBe(403);
      expect(self.body.code).toBe("SECOND_PERSON_REQUIRED");
    }
    expect(
      (await api("POST", `/api/runs/${id}/reject`, { comment: "someone else's call" }, { cookie: admin.cookie }))
        .status,
    ).toBe(200);
    // A real start records the principals behind the credential used.
    const dry = await api(
      "POST",
      "/api/runs",
      { runbook: "db-backup", dryRun: true },
      { authorization: `Bearer ${second.body.token}` },
    );
    expect(dry.status).toBe(201);
    const [row] = await backoutSql<{ ids: string[] }>(`SELECT "requestedByIds" AS ids FROM runs WHERE id = $1`, [
      dry.body.id,
    ]);
    expect(row!.ids).toEqual([`token:${second.body.id}`, `user:${admin.id}`]);
    // And never shows them.
    expect((await api("GET", `/api/runs/${dry.body.id}`)).body).not.toHaveProperty("requestedByIds");
  });

  it("a target that allows solo approval lets them, and the record says so", async () => {
    const id = await heldRun(STANDBY, "db-restore");
    const res = await api("POST", `/api/runs/${id}/approve`, {}, bearer("commander"));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const run = await waitForRun(id);
    const events = (
      await backoutSql<{ data: any }>(`SELECT data FROM run_events WHERE "runId" = $1 AND type = 'step.approved'`, [id])
    )[0]!;
    expect(events.data).toMatchObject({ isSolo: true, by: "token:test-commander" });
    expect(run.status).toBe("succeeded");
  });
});

describe("tokens expire; sessions end", () => {
  it("an expired token signs nothing in, and the list shows when each expires", async () => {
    const made = await api("POST", "/api/tokens", { name: "short-lived", role: "viewer", expiresInDays: 1 });
    expect(made.status).toBe(201);
    const token = made.body.token as string;
    expect((await api("GET", "/api/runs", undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
    const listed = (await api("GET", "/api/tokens")).body.tokens.find((t: { id: string }) => t.id === made.body.id);
    expect(Date.parse(listed.expiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
    await backoutSql(`UPDATE api_tokens SET "expiresAt" = now() - interval '1 second' WHERE id = $1`, [made.body.id]);
    expect((await api("GET", "/api/runs", undefined, { authorization: `Bearer ${token}` })).status).toBe(401);
    expect(
      (await api("POST", "/api/tokens", { name: "bad", role: "viewer", expiresInDays: 0 })).body.issues[0].path,
    ).toBe("expiresInDays");
  });

  it("a session ends a week after sign-in however busy it is", async () => {
    const { cookie } = await user("long-session@example.com", "viewer");
    expect((await api("GET", "/api/auth/me", undefined, { cookie })).status).toBe(200);
    await backoutSql(
      `UPDATE sessions SET "createdAt" = now() - interval '7 days 1 minute' WHERE "userId" = (SELECT id FROM users WHERE email = $1)`,
      ["long-session@example.com"],
    );
    expect((await api("GET", "/api/auth/me", undefined, { cookie })).status).toBe(401);
  });
});

describe("every check the console shows is fed", () => {
  it("after a rollback from an incident, no probed item says it was not read", async () => {
    const made = await api("POST", "/api/incidents", { title: "Probes", severity: "P2" }, bearer("commander"));
    const id = made.body.id as string;
    const run = await api(
      "POST",
      "/api/runs",
      {
        runbook: "app-code",
        params: { release: "v1.0.0" },
        incidentId: id,
        checkpointOverride: { reason: "probe test" },
      },
      bearer("commander"),
    );
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    expect((await waitForRun(run.body.id)).status).toBe("succeeded");
    // Readings after the rollback come with the next samples (every second in this tier).
    let verification: Record<string, { why: string; value: unknown }> = {};
    let unread: [string, { why: string }][] = [];
    for (let i = 0; i < 40; i++) {
      verification = (await api("GET", `/api/incidents/${id}`, undefined, bearer("viewer"))).body.verification;
      unread = Object.entries(verification).filter(([, v]) => /not read|not listed|not measured/.test(v.why));
      if (!unread.length) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(unread).toEqual([]);
    // The two the probe found always unread: the running version, and jobs since the queues resumed.
    expect(verification["info-current-version"]).toMatchObject({ value: "v1.0.0" });
    expect(verification["cp3-jobs-processing"]!.why).toMatch(/jobs? completed since the queues resumed/);
    expect(verification["cp3-failure-rate-normal"]!.why).not.toMatch(/not read/);
  });
});

describe("plan §5.1: the schema rollback offers what the database has applied", () => {
  it("after a code rollback, it offers v1.1.0's down migration first (from v1.1.0's tree) and preselects it, never the first migration's", async () => {
    const deployed = await api(
      "POST",
      "/api/runs",
      { runbook: "deploy", params: { release: "v1.1.0" } },
      bearer("engineer"),
    );
    expect((await waitForRun(deployed.body.id)).status).toBe("succeeded");
    const back = await api(
      "POST",
      "/api/runs",
      { runbook: "app-code", params: { release: "v1.0.0" } },
      bearer("engineer"),
    );
    expect((await waitForRun(back.body.id)).status).toBe("succeeded");

    // v1.0.0 is checked out, whose tree has only 0001's down file; the database still has 0002 applied.
    const catalog = (await api("GET", "/api/runbooks", undefined, bearer("viewer"))).body;
    expect(catalog.facts.currentRelease).toBe("v1.0.0");
    expect(catalog.facts.downMigrations).toEqual([
      { file: "0002_add_priority.down.sql", release: "v1.1.0", isApplied: true },
      { file: "0001_init.down.sql", release: "v1.0.0", isApplied: true },
    ]);
    const dry = await api("POST", "/api/runs", { runbook: "db-schema", dryRun: true }, bearer("commander"));
    expect(dry.status, JSON.stringify(dry.body)).toBe(201);
    const step = dry.body.steps.find((s: { key: string }) => s.key === "apply-down-migration");
    expect(step.spec).toMatchObject({
      name: "Apply 0002_add_priority.down.sql",
      fromRelease: { ref: "v1.1.0", path: "migrations/0002_add_priority.down.sql" },
    });

    // And it really applies: v1.1.0's SQL undoes 0002 while v1.0.0 stays checked out.
    const run = await api("POST", "/api/runs", { runbook: "db-schema" }, bearer("commander"));
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    await waitForRun(run.body.id, (r) => r.status === "waiting_approval");
    expect((await api("POST", `/api/runs/${run.body.id}/approve`, {}, bearer("admin"))).status).toBe(200);
    expect((await waitForRun(run.body.id)).status).toBe("succeeded");
    const after = (await api("GET", "/api/runbooks", undefined, bearer("viewer"))).body.facts.downMigrations;
    expect(after.map((m: { file: string }) => m.file)).toEqual(["0001_init.down.sql"]);
    await api("POST", "/api/maintenance/disable", {}, bearer("engineer"));
    await api("POST", "/api/queue/resume-all", {}, bearer("engineer"));
  });
});

describe("plan §11.1 from a terminal", () => {
  it("emergency-rollback.sh shows its progress bar on a terminal though its output is teed to a log, and numbers each step once", async () => {
    const { execFileSync } = await import("node:child_process");
    const path = await import("node:path");
    const root = path.resolve(import.meta.dirname, "../..");
    const logDir = path.join(env.BACKOUT_DATA_DIR!, "logs", "emergency");
    // `script` gives the command a pseudo-terminal, as a person's shell would.
    const out = execFileSync("script", ["-qec", "./scripts/emergency-rollback.sh v1.0.0", "/dev/null"], {
      cwd: root,
      env: {
        ...process.env,
        BACKOUT_URL: BASE,
        BACKOUT_TOKEN: (await import("./support/api")).tokens().engineer,
        BACKOUT_LOG_DIR: logDir,
        NO_COLOR: "1",
      },
      encoding: "utf8",
      timeout: 170_000,
    });
    expect(out).toContain("✅ ROLLBACK COMPLETED");
    // The bar, redrawn in place.
    expect(out).toMatch(/\r\x1b\[2K\[[█░]+\] +\d+% \d+\/\d+/);
    expect(out).toContain("100% 9/9");
    const started = [...out.matchAll(/▶ (\d+)\/(\d+) /g)].map((m) => Number(m[1]));
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Pm2's colours never reach the terminal or the log as raw codes.
    expect(out).not.toMatch(/\x1b\[3\dm/);
  }, 180_000);
});
