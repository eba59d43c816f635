import { describe, expect, it } from "vitest";
import { api, backoutSql, bearer, BASE, signIn, tokens } from "./support/api";

const none = {};

describe("sign-in, roles and API tokens, enforced in the one route wrapper", () => {
  it("/health stays open; everything else needs credentials and says how to get them", async () => {
    expect((await api("GET", "/health", undefined, none)).status).toBe(200);
    for (const [method, path] of [
      ["GET", "/api/runs"],
      ["GET", "/api/queue/stats"],
      ["POST", "/api/queue/pause-all"],
      ["GET", "/api/version"],
    ] as const) {
      const res = await api(method, path, method === "POST" ? {} : undefined, none);
      expect(res.status, path).toBe(401);
      expect(res.body.error).toMatch(/Authorization: Bearer \$BACKOUT_TOKEN/);
    }
    expect((await api("GET", "/api/runs", undefined, { authorization: "Bearer bk_not-a-real-token" })).status).toBe(
      401,
    );
  });

  it.each([
    ["viewer", "POST", "/api/runs", { runbook: "db-backup" }, 403],
    ["viewer", "POST", "/api/queue/pause-all", {}, 403],
    ["viewer", "GET", "/api/runs", undefined, 200],
    ["engineer", "POST", "/api/runs", { runbook: "db-restore", params: { backup: "x" } }, 403],
    ["engineer", "POST", "/api/runs/00000000-0000-4000-8000-000000000000/approve", {}, 403],
    ["engineer", "GET", "/api/tokens", undefined, 403],
    ["commander", "GET", "/api/users", undefined, 403],
    ["admin", "GET", "/api/users", undefined, 200],
  ] as const)("%s: %s %s → %i", async (role, method, path, body, status) => {
    const before = await backoutSql(`SELECT count(*)::int AS n FROM runs`);
    const res = await api(method, path, body, bearer(role));
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    if (status === 403) expect(res.body.error).toMatch(new RegExp(`you are ${role}`));
    expect(await backoutSql(`SELECT count(*)::int AS n FROM runs`)).toEqual(before);
  });

  it("starting a run (even a dry run) needs an engineer; an engineer may dry-run a commander's runbook", async () => {
    const res = await api("POST", "/api/runs", { runbook: "db-schema", dryRun: true }, bearer("viewer"));
    expect(res.status).toBe(403);
    const eng = await api("POST", "/api/runs", { runbook: "db-schema", dryRun: true }, bearer("engineer"));
    expect([201, 422]).toContain(eng.status); // 422 when the checked-out release has no down migration
  });

  it("a run records who started it", async () => {
    const res = await api("POST", "/api/runs", { runbook: "db-backup", dryRun: true }, bearer("engineer"));
    expect(res.status).toBe(201);
    expect((await api("GET", `/api/runs/${res.body.id}`)).body.requestedBy).toBe("token:test-engineer");
  });

  it("tokens: created by an admin and shown once, stored hashed, last use recorded, revocable", async () => {
    const created = await api("POST", "/api/tokens", { name: "ci-rollback", role: "engineer" });
    expect(created.status).toBe(201);
    const token: string = created.body.token;
    expect(token).toMatch(/^bk_/);
    const [row] = await backoutSql<{ tokenHash: string; lastUsedAt: Date | null }>(
      `SELECT "tokenHash", "lastUsedAt" FROM api_tokens WHERE id = $1`,
      [created.body.id],
    );
    expect(row!.tokenHash).not.toContain(token.slice(3));
    expect(row!.lastUsedAt).toBeNull();
    expect(JSON.stringify((await api("GET", "/api/tokens")).body)).not.toContain(token);

    expect((await api("GET", "/api/runs", undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
    // Recorded without holding up the request: give it a moment.
    let used: { lastUsedAt: Date | null } | undefined;
    for (let i = 0; i < 20 && !used?.lastUsedAt; i++) {
      [used] = await backoutSql<{ lastUsedAt: Date | null }>(`SELECT "lastUsedAt" FROM api_tokens WHERE id = $1`, [
        created.body.id,
      ]);
      if (!used?.lastUsedAt) await new Promise((r) => setTimeout(r, 100));
    }
    expect(used!.lastUsedAt).not.toBeNull();

    expect((await api("DELETE", `/api/tokens/${created.body.id}`)).status).toBe(200);
    expect((await api("GET", "/api/runs", undefined, { authorization: `Bearer ${token}` })).status).toBe(401);
    expect(
      (await api("POST", "/api/tokens", { name: "", role: "root" })).body.issues
        .map((i: { path: string }) => i.path)
        .sort(),
    ).toEqual(["name", "role"]);
  });

  it("users sign in with a password into an httpOnly SameSite cookie, and sign out", async () => {
    const made = await api("POST", "/api/users", {
      email: "ic@example.com",
      role: "commander",
      password: "correct horse battery",
    });
    expect(made.status).toBe(201);
    const [stored] = await backoutSql<{ passwordHash: string }>(
      `SELECT "passwordHash" FROM users WHERE email = 'ic@example.com'`,
    );
    expect(stored!.passwordHash).toMatch(/^\$argon2id\$/);
    expect((await api("POST", "/api/users", { email: "ic@example.com", role: "viewer" })).status).toBe(409);

    const wrong = await api(
      "POST",
      "/api/auth/sign-in",
      { email: "ic@example.com", password: "nope" },
      { origin: BASE },
    );
    expect(wrong.status).toBe(401);
    const unknown = await api(
      "POST",
      "/api/auth/sign-in",
      { email: "who@example.com", password: "nope" },
      { origin: BASE },
    );
    expect(unknown.body.error).toBe(wrong.body.error);

    const ok = await signIn("IC@example.com", "correct horse battery");
    expect(ok.status).toBe(200);
    const { setCookie, cookie } = ok;
    expect(setCookie).toMatch(/backout_session=bs_/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=lax/i);
    const me = await api("GET", "/api/auth/me", undefined, { cookie });
    expect(me.body.actor).toMatchObject({ kind: "user", label: "ic@example.com", role: "commander" });

    await api("POST", "/api/auth/sign-out", {}, { cookie });
    expect((await api("GET", "/api/auth/me", undefined, { cookie })).status).toBe(401);
  });

  it("pages send a signed-out visitor to the sign-in page", async () => {
    const res = await fetch(`${BASE}/`, { redirect: "manual" });
    expect([303, 307, 308]).toContain(res.status);
    expect(res.headers.get("location")).toMatch(/\/sign-in\?next=%2F$/);
    expect(tokens().admin).toMatch(/^bk_/);
  });
});
