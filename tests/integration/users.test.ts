import { describe, expect, it } from "vitest";
import { api, backoutSql, BASE, bearer, signIn } from "./support/api";

const sessionsOf = async (email: string) =>
  (
    await backoutSql<{ n: number }>(
      `SELECT count(*)::int AS n FROM sessions s JOIN users u ON u.id = s."userId" WHERE u.email = $1`,
      [email],
    )
  )[0]!.n;

async function makeUser(email: string, role: string, password?: string): Promise<string> {
  const res = await api("POST", "/api/users", { email, role, ...(password ? { password } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

describe("user administration", () => {
  it("an admin changes a role; it applies to the user's next request without signing them out", async () => {
    const id = await makeUser("role-change@example.com", "viewer", "a long enough password");
    const { cookie } = await signIn("role-change@example.com", "a long enough password");
    expect((await api("POST", "/api/queue/pause-all", {}, { cookie })).status).toBe(403);

    const res = await api("PATCH", `/api/users/${id}`, { role: "engineer" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ role: "engineer", disabledAt: null });
    const me = await api("GET", "/api/auth/me", undefined, { cookie });
    expect(me.body.actor.role).toBe("engineer");
    expect(me.body.actor.session).toBeUndefined(); // the session's hash is never sent back
  });

  it("disabling signs the user out everywhere and refuses sign-in; enabling lets them back", async () => {
    const id = await makeUser("disable-me@example.com", "engineer", "a long enough password");
    const a = await signIn("disable-me@example.com", "a long enough password");
    const b = await signIn("disable-me@example.com", "a long enough password");
    expect(await sessionsOf("disable-me@example.com")).toBe(2);

    const res = await api("PATCH", `/api/users/${id}`, { disabled: true });
    expect(res.status).toBe(200);
    expect(res.body.sessionsEnded).toBe(2);
    expect(res.body.disabledAt).not.toBeNull();
    for (const { cookie } of [a, b]) expect((await api("GET", "/api/auth/me", undefined, { cookie })).status).toBe(401);
    expect((await signIn("disable-me@example.com", "a long enough password")).status).toBe(401);

    expect((await api("PATCH", `/api/users/${id}`, { disabled: false })).body.disabledAt).toBeNull();
    expect((await signIn("disable-me@example.com", "a long enough password")).status).toBe(200);
  });

  it("changing your password ends your other sessions and keeps this one", async () => {
    await makeUser("two-browsers@example.com", "viewer", "the first password");
    const here = await signIn("two-browsers@example.com", "the first password");
    const there = await signIn("two-browsers@example.com", "the first password");

    const same = await api(
      "POST",
      "/api/auth/password",
      { current: "the first password", next: "the first password" },
      { cookie: here.cookie },
    );
    expect(same.status).toBe(400);
    expect(same.body.issues[0].path).toBe("next");

    const res = await api(
      "POST",
      "/api/auth/password",
      { current: "the first password", next: "the second password" },
      { cookie: here.cookie },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.otherSessionsEnded).toBe(1);
    expect((await api("GET", "/api/auth/me", undefined, { cookie: here.cookie })).status).toBe(200);
    expect((await api("GET", "/api/auth/me", undefined, { cookie: there.cookie })).status).toBe(401);
    expect((await signIn("two-browsers@example.com", "the first password")).status).toBe(401);
  });

  it("a one-time password lets the user do nothing but choose their own", async () => {
    const made = await api("POST", "/api/users", { email: "fresh@example.com", role: "commander" });
    const { cookie } = await signIn("fresh@example.com", made.body.oneTimePassword);

    const refused = await api("GET", "/api/runs", undefined, { cookie });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: "PASSWORD_CHANGE_REQUIRED" });
    expect(refused.body.error).toMatch(/\/change-password/);
    expect((await api("POST", "/api/incidents", { title: "x", severity: "P1" }, { cookie })).status).toBe(403);
    expect((await api("GET", "/api/auth/me", undefined, { cookie })).body.user.mustChangePassword).toBe(true);
    const page = await fetch(`${BASE}/incidents`, { headers: { cookie }, redirect: "manual" });
    expect(page.headers.get("location")).toMatch(/\/change-password\?next=%2Fincidents$/);

    expect(
      (
        await api(
          "POST",
          "/api/auth/password",
          { current: made.body.oneTimePassword, next: "my very own password" },
          { cookie },
        )
      ).status,
    ).toBe(200);
    expect((await api("GET", "/api/runs", undefined, { cookie })).status).toBe(200);
    const after = await fetch(`${BASE}/change-password?next=%2Fincidents`, { headers: { cookie }, redirect: "manual" });
    expect(after.headers.get("location")).toMatch(/\/incidents$/);
  });

  it("a reset gives a new one-time password and signs the user out", async () => {
    const id = await makeUser("forgot@example.com", "engineer", "remembered once");
    const old = await signIn("forgot@example.com", "remembered once");
    const res = await api("POST", `/api/users/${id}/reset-password`);
    expect(res.status).toBe(200);
    expect(res.body.oneTimePassword).toEqual(expect.any(String));
    expect(res.body.mustChangePassword).toBe(true);
    expect((await api("GET", "/api/auth/me", undefined, { cookie: old.cookie })).status).toBe(401);
    expect((await signIn("forgot@example.com", "remembered once")).status).toBe(401);
    expect((await signIn("forgot@example.com", res.body.oneTimePassword)).status).toBe(200);
  });

  it("nobody changes themselves, and the last active admin stays an admin", async () => {
    const adminId = await makeUser("only-admin-test@example.com", "admin", "an admin password");
    const { cookie } = await signIn("only-admin-test@example.com", "an admin password");
    const self = await api("PATCH", `/api/users/${adminId}`, { role: "viewer" }, { cookie });
    expect(self.status).toBe(409);
    expect(self.body.error).toMatch(/your own/);
    expect((await api("POST", `/api/users/${adminId}/reset-password`, {}, { cookie })).status).toBe(409);

    // With an admin token, demote every admin but one, then the last one is refused.
    const admins = await backoutSql<{ id: string; email: string }>(
      `SELECT id, email FROM users WHERE role = 'admin' AND "disabledAt" IS NULL ORDER BY email`,
    );
    const [keep, ...rest] = admins;
    for (const a of rest)
      expect((await api("PATCH", `/api/users/${a.id}`, { role: "commander" }, bearer("admin"))).status).toBe(200);
    const last = await api("PATCH", `/api/users/${keep!.id}`, { disabled: true }, bearer("admin"));
    expect(last.status).toBe(409);
    expect(last.body.error).toMatch(/last active admin/);
    expect((await api("PATCH", `/api/users/${keep!.id}`, { role: "engineer" }, bearer("admin"))).status).toBe(409);
    for (const a of rest) await api("PATCH", `/api/users/${a.id}`, { role: "admin" }, bearer("admin"));
  });

  it.each([
    [{}, "role"],
    [{ role: "root" }, "role"],
    [{ disabled: "yes" }, "disabled"],
    [{ role: "viewer", email: "x@example.com" }, ""],
  ])("PATCH %j → 400 naming %s, nothing changed", async (body, path) => {
    const id = await makeUser(
      `bad-input-${Math.random().toString(36).slice(2)}@example.com`,
      "viewer",
      "a long enough password",
    );
    const res = await api("PATCH", `/api/users/${id}`, body);
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path)).toContain(path);
    expect((await backoutSql(`SELECT role::text, "disabledAt" FROM users WHERE id = $1`, [id]))[0]).toEqual({
      role: "viewer",
      disabledAt: null,
    });
  });

  it("an unknown user is a 404 and a bad id a 400; only admins may do any of it", async () => {
    expect((await api("PATCH", "/api/users/00000000-0000-4000-8000-000000000000", { role: "viewer" })).status).toBe(
      404,
    );
    expect((await api("PATCH", "/api/users/nope", { role: "viewer" })).status).toBe(400);
    const id = await makeUser("not-by-commander@example.com", "viewer", "a long enough password");
    expect((await api("PATCH", `/api/users/${id}`, { role: "admin" }, bearer("commander"))).status).toBe(403);
    expect((await api("POST", `/api/users/${id}/reset-password`, undefined, bearer("commander"))).status).toBe(403);
    const audit = await backoutSql<{ status: number }>(`SELECT status FROM audit_entries WHERE path = $1 ORDER BY id`, [
      `/api/users/${id}`,
    ]);
    expect(audit.map((a) => a.status)).toEqual([403]);
  });

  it("the API tokens a user made go with them: all when disabled, those above their new role when demoted", async () => {
    const id = await makeUser("token-maker@example.com", "admin", "an admin password");
    const { cookie } = await signIn("token-maker@example.com", "an admin password");
    const make = async (name: string, role: string) =>
      (await api("POST", "/api/tokens", { name, role }, { cookie })).body.token as string;
    const adminToken = await make("maker-admin", "admin");
    const engineerToken = await make("maker-engineer", "engineer");
    const works = async (token: string) =>
      (await api("GET", "/api/runs", undefined, { authorization: `Bearer ${token}` })).status === 200;

    const demoted = await api("PATCH", `/api/users/${id}`, { role: "engineer" });
    expect(demoted.body.tokensRevoked).toBe(1);
    expect(await works(adminToken)).toBe(false);
    expect(await works(engineerToken)).toBe(true);

    const disabled = await api("PATCH", `/api/users/${id}`, { disabled: true });
    expect(disabled.body.tokensRevoked).toBe(1);
    expect(await works(engineerToken)).toBe(false);
  });
});
