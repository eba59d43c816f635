import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { api, BASE, backoutSql, tokens, countRows } from "./support/api";
import { discoverRoutes, fillPath, type RouteKey } from "./support/routes";

/**
 * Every route Backout serves × every kind of caller. The route list is read from the app's route
 * files, so a route added without a line here fails the first test: decide who may call it first.
 * "public" routes answer anyone; the others answer their role and above, refuse lower roles with
 * 403, and anyone without a live credential (none, a revoked token, an expired one) with 401.
 */
const WHO_MAY: Record<RouteKey, "public" | "signed" | "viewer" | "engineer" | "commander" | "admin"> = {
  "GET /api/analysis": "viewer",
  "GET /api/auth/me": "viewer",
  "POST /api/auth/password": "viewer",
  "POST /api/auth/sign-in": "public",
  "POST /api/auth/sign-out": "public",
  "GET /api/backups": "viewer",
  "DELETE /api/cache/analysis/[id]": "engineer",
  "DELETE /api/cache/project/[id]": "engineer",
  "POST /api/cache/warm": "engineer",
  "GET /api/channels": "viewer",
  "POST /api/channels/[name]/enable": "admin",
  "GET /api/checklists": "viewer",
  "GET /api/contacts": "viewer",
  "PUT /api/contacts/[role]": "admin",
  "POST /api/deliveries/[id]/retry": "commander",
  "GET /api/incidents": "viewer",
  "POST /api/incidents": "commander",
  "GET /api/incidents/[id]": "viewer",
  "PATCH /api/incidents/[id]": "commander",
  "POST /api/incidents/[id]/checklist": "commander",
  "GET /api/incidents/[id]/decision": "viewer",
  "POST /api/incidents/[id]/decision": "commander",
  "GET /api/incidents/[id]/events": "viewer",
  "GET /api/incidents/[id]/information": "viewer",
  "GET /api/incidents/[id]/messages": "viewer",
  "POST /api/incidents/[id]/messages": "commander",
  "GET /api/incidents/[id]/messages/draft": "viewer",
  "POST /api/incidents/[id]/roles": "commander",
  "GET /api/incidents/[id]/postmortem": "viewer",
  "POST /api/incidents/[id]/postmortem": "commander",
  "PATCH /api/incidents/[id]/postmortem": "commander",
  "GET /api/incidents/[id]/postmortem.md": "viewer",
  "POST /api/incidents/[id]/action-items": "commander",
  "GET /api/action-items": "viewer",
  "PATCH /api/action-items/[id]": "commander",
  "POST /api/drills": "commander",
  "GET /api/incidents/[id]/drill-report": "viewer",
  "GET /api/incidents/events": "viewer",
  "GET /api/information": "viewer",
  "POST /api/maintenance/[action]": "engineer",
  "GET /api/metrics": "viewer",
  "GET /api/metrics/events": "viewer",
  "GET /api/projects": "viewer",
  "GET /api/public/events": "public",
  "POST /api/queue/[name]/pause": "engineer",
  "POST /api/queue/[name]/resume": "engineer",
  "POST /api/queue/clean-all": "engineer",
  "POST /api/queue/pause-all": "engineer",
  "POST /api/queue/resume-all": "engineer",
  "GET /api/queue/stats": "viewer",
  "GET /api/runbooks": "viewer",
  "GET /api/runs": "viewer",
  "POST /api/runs": "engineer",
  "GET /api/deploys": "viewer",
  "POST /api/deploys": "engineer",
  "GET /api/deploys/[id]": "viewer",
  "POST /api/deploys/[id]/veto": "engineer",
  "POST /api/incidents/[id]/emergency/veto": "engineer",
  // No sign-in: GitHub's signature is the credential, and the probes carry none.
  "POST /api/deploys/github": "signed",
  "GET /api/runs/[id]": "viewer",
  "POST /api/runs/[id]/approve": "commander",
  "POST /api/runs/[id]/cancel": "engineer",
  "GET /api/runs/[id]/events": "viewer",
  "POST /api/runs/[id]/reject": "commander",
  "GET /api/targets": "viewer",
  "GET /api/targets/[name]/autopilot": "viewer",
  "PUT /api/targets/[name]/autopilot": "admin",
  "PUT /api/targets/[name]/autopilot/public-message": "commander",
  "GET /api/targets/[name]/pitr": "viewer",
  "GET /api/targets/[name]/test-restores": "viewer",
  "POST /api/targets/[name]/test-restores": "engineer",
  "GET /api/tokens": "admin",
  "POST /api/tokens": "admin",
  "DELETE /api/tokens/[id]": "admin",
  "GET /api/users": "admin",
  "POST /api/users": "admin",
  "PATCH /api/users/[id]": "admin",
  "POST /api/users/[id]/reset-password": "admin",
  "GET /api/v2/components.json": "public",
  "GET /api/v2/incidents.json": "public",
  "GET /api/v2/incidents/unresolved.json": "public",
  "GET /api/v2/status.json": "public",
  "GET /api/v2/summary.json": "public",
  "GET /api/version": "viewer",
  "GET /api/openapi.json": "viewer",
  "GET /admin/queues": "viewer",
  "POST /admin/queues": "engineer",
  "PUT /admin/queues": "engineer",
  "PATCH /admin/queues": "engineer",
  "DELETE /admin/queues": "engineer",
  "GET /health": "public",
  "GET /metrics": "viewer",
  "GET /status/history.atom": "public",
};

/** The routes a deployer token (CI) may call besides public ones: announcing deploys and reading verdicts. */
const DEPLOYER_MAY: ReadonlySet<RouteKey> = new Set<RouteKey>([
  "POST /api/deploys",
  "GET /api/deploys",
  "GET /api/deploys/[id]",
]);

const ROLES = ["viewer", "engineer", "commander", "admin"] as const;
const RANK = { public: -1, viewer: 0, engineer: 1, commander: 2, admin: 3 } as const;
type Caller = "anonymous" | "deployer" | (typeof ROLES)[number] | "revoked admin token" | "expired admin token";
const CALLERS: Caller[] = ["anonymous", "deployer", ...ROLES, "revoked admin token", "expired admin token"];

const routes = discoverRoutes();
let credential: Record<Caller, string | null>;
let auditBefore = 0;
let tableCounts: Record<string, number> = {};

beforeAll(async () => {
  const made = async (name: string, role = "admin") =>
    (await api("POST", "/api/tokens", { name, role })).body as { id: string; token: string };
  const deployer = await made(`matrix-deployer-${Date.now()}`, "deployer");
  const revoked = await made(`matrix-revoked-${Date.now()}`);
  expect((await api("DELETE", `/api/tokens/${revoked.id}`)).status).toBe(200);
  const expired = await made(`matrix-expired-${Date.now()}`);
  await backoutSql(`UPDATE api_tokens SET "expiresAt" = now() - interval '1 minute' WHERE id = $1`, [expired.id]);
  const t = tokens();
  credential = {
    anonymous: null,
    deployer: deployer.token,
    viewer: t.viewer,
    engineer: t.engineer,
    commander: t.commander,
    admin: t.admin,
    "revoked admin token": revoked.token,
    "expired admin token": expired.token,
  };
  auditBefore = Number(
    (await backoutSql<{ n: string }>(`SELECT coalesce(max(id), 0)::text AS n FROM audit_entries`))[0]!.n,
  );
  tableCounts = await countRows();
});

/**
 * A request the route must refuse on its merits once the caller is let in, so that the cells where
 * the caller may act change nothing: ids that name nothing, an unknown target, a body that is not a
 * JSON object. The answer then tells only whether the caller got past authentication and role.
 */
async function probe(method: string, pattern: string, caller: Caller): Promise<number> {
  const filled = fillPath(pattern, (p) =>
    p === "id" ? crypto.randomUUID() : p === "action" ? "matrix-probe" : "no-such-thing",
  );
  const url = `${BASE}${filled}${method === "GET" ? "" : "?target=no-such-target"}`;
  // Sent as Backout's own pages send changes (its Origin, JSON): the cross-site refusal is tested on its own (trust.test.ts).
  const headers: Record<string, string> = { "content-type": "application/json", origin: BASE };
  if (credential[caller]) headers.authorization = `Bearer ${credential[caller]}`;
  const ctrl = new AbortController();
  const res = await fetch(url, {
    method,
    headers,
    body: method === "GET" ? undefined : "[]",
    signal: ctrl.signal,
    redirect: "manual",
  });
  ctrl.abort(); // event streams stay open: the status is all this needs
  return res.status;
}

describe("route × role matrix", () => {
  it("every route the app serves has an expectation here, and every expectation a route", () => {
    const served = routes.map((r) => r.key);
    expect(served.length).toBeGreaterThan(50);
    expect(
      served.filter((k) => !(k in WHO_MAY)),
      "routes with no expectation: add them to WHO_MAY",
    ).toEqual([]);
    expect(
      Object.keys(WHO_MAY).filter((k) => !served.includes(k as RouteKey)),
      "expectations for routes that no longer exist",
    ).toEqual([]);
  });

  it("each caller gets exactly what its role allows, on every route and method", async () => {
    const violations: string[] = [];
    let cells = 0;
    for (const r of routes) {
      const need = WHO_MAY[r.key];
      if (!need) {
        violations.push(`${r.key}: no expectation`);
        continue;
      }
      for (const caller of CALLERS) {
        const status = await probe(r.method, r.pattern, caller);
        cells++;
        const live = ROLES.includes(caller as never) ? (caller as (typeof ROLES)[number]) : null;
        let expected: string;
        let ok: boolean;
        if (need === "public") {
          expected = "let in (not 401/403)";
          ok = status !== 401 && status !== 403;
        } else if (need === "signed") {
          // A webhook: whatever the caller's role, no signature is a 401.
          expected = "401 (unsigned)";
          ok = status === 401;
        } else if (caller === "deployer") {
          const may = DEPLOYER_MAY.has(r.key);
          expected = may ? "let in (not 401/403)" : "403";
          ok = may ? status !== 401 && status !== 403 : status === 403;
        } else if (!live) {
          expected = "401";
          ok = status === 401;
        } else if (RANK[live] < RANK[need]) {
          expected = "403";
          ok = status === 403;
        } else {
          expected = "let in (not 401/403)";
          ok = status !== 401 && status !== 403;
        }
        if (status >= 500) ok = false;
        if (!ok) violations.push(`${r.key} as ${caller}: ${status}, expected ${expected}`);
      }
    }
    expect(cells).toBe(routes.length * CALLERS.length);
    expect(violations).toEqual([]);
  });

  it("the probes changed nothing but the audit table, which has one entry for each change tried", async () => {
    expect(await countRows()).toEqual(tableCounts);
    const rows = await backoutSql<{ method: string; status: number }>(
      `SELECT method, status FROM audit_entries WHERE id > $1`,
      [auditBefore],
    );
    const mutating = routes.filter((r) => r.method !== "GET").length;
    expect(rows.length).toBe(mutating * CALLERS.length);
    // Sign-out is the one change every caller may make, and for a token it has nothing to end.
    expect(rows.filter((r) => r.status < 400).length).toBe(CALLERS.length);
  });
});
