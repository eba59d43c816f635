import { describe, expect, it } from "vitest";
import { api, backoutSql, lockCount, waitForRun, startRun } from "./support/api";

async function counts() {
  const [r] = await backoutSql<{ runs: number; steps: number; events: number; locks: number }>(
    `SELECT (SELECT count(*)::int FROM runs) AS runs, (SELECT count(*)::int FROM steps) AS steps,
            (SELECT count(*)::int FROM run_events) AS events, (SELECT count(*)::int FROM target_locks) AS locks`,
  );
  return r;
}

// Bad input gets a 4xx that names the field and the fix, and creates nothing.
const badStarts: { name: string; body: string | object; status: number; path: string; says: RegExp }[] = [
  { name: "body is not JSON", body: "{runbook: app-code", status: 400, path: "(body)", says: /not valid JSON/ },
  { name: "body is an array", body: [], status: 400, path: "(body)", says: /JSON object/ },
  { name: "runbook missing", body: {}, status: 400, path: "runbook", says: /runbook/ },
  { name: "runbook not a string", body: { runbook: 42 }, status: 400, path: "runbook", says: /runbook/ },
  { name: "unknown field", body: { runbook: "app-code", force: true }, status: 400, path: "", says: /force/ },
  {
    name: "dryRun not boolean",
    body: { runbook: "app-code", dryRun: "yes" },
    status: 400,
    path: "dryRun",
    says: /true or false/,
  },
  {
    name: "params not an object",
    body: { runbook: "app-code", params: "v1.0.0" },
    status: 400,
    path: "params",
    says: /object/,
  },
  { name: "unknown runbook", body: { runbook: "rm-rf" }, status: 404, path: "runbook", says: /app-code/ },
  { name: "unknown target", body: { runbook: "app-code", target: "prod" }, status: 404, path: "target", says: /demo/ },
  {
    name: "unknown release",
    body: { runbook: "app-code", params: { release: "v9.9.9" } },
    status: 422,
    path: "params.release",
    says: /v1\.0\.0, v1\.1\.0/,
  },
  {
    name: "release with shell text",
    body: { runbook: "emergency", params: { release: "v1.0.0; rm -rf /" } },
    status: 422,
    path: "params.release",
    says: /unknown release/,
  },
  {
    name: "deploy without release",
    body: { runbook: "deploy" },
    status: 422,
    path: "params.release",
    says: /required/,
  },
  {
    name: "unknown backup",
    body: { runbook: "db-restore", params: { backup: "../../etc/passwd" } },
    status: 422,
    path: "params.backup",
    says: /unknown backup/,
  },
  {
    name: "unknown param key",
    body: { runbook: "db-backup", params: { dir: "/tmp" } },
    status: 422,
    path: "params",
    says: /dir/,
  },
  {
    name: "cache pattern not configured",
    body: { runbook: "cache", params: { pattern: "*" } },
    status: 422,
    path: "params.pattern",
    says: /gemini:\*/,
  },
];

describe("POST /api/runs rejects bad input and changes nothing", () => {
  it.each(badStarts)("$name → $status naming $path", async ({ body, status, path, says }) => {
    const before = await counts();
    const res = await api("POST", "/api/runs", body);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatch(says);
    if (path !== "") expect(res.body.issues.map((i: { path: string }) => i.path)).toContain(path);
    expect(await counts()).toEqual(before);
  });
});

describe("other endpoints validate too", () => {
  it.each([
    ["GET", "/api/runs/not-a-uuid", 400, /UUID/],
    ["GET", "/api/runs/00000000-0000-4000-8000-000000000000", 404, /not found/],
    ["POST", "/api/runs/00000000-0000-4000-8000-000000000000/cancel", 404, /not found/],
    ["POST", "/api/runs/00000000-0000-4000-8000-000000000000/approve", 404, /not found/],
    ["GET", "/api/runs/00000000-0000-4000-8000-000000000000/events", 404, /not found/],
    ["POST", "/api/queue/no-such-queue/resume", 404, /ai-analysis, document-processing/],
    ["DELETE", "/api/cache/project/a;b", 400, /letters, digits/],
    ["POST", "/api/maintenance/toggle", 400, /enable/],
    ["GET", "/api/runs?limit=0", 400, /limit/],
  ])("%s %s → %i", async (method, p, status, says) => {
    const before = await counts();
    const res = await api(method, p, method === "POST" ? {} : undefined);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatch(says);
    expect(await counts()).toEqual(before);
  });

  it("approving a run that is not at a gate is a 409 that says so", async () => {
    const id = await startRun("db-backup");
    const run = await waitForRun(id);
    expect(run.status).toBe("succeeded");
    const res = await api("POST", `/api/runs/${id}/approve`, {});
    expect(res.status).toBe(409);
    expect(res.body.error).toMatch(/not waiting for approval/);
    const cancel = await api("POST", `/api/runs/${id}/cancel`, {});
    expect(cancel.status).toBe(409);
    expect(cancel.body.error).toMatch(/already succeeded/);
  });
});

describe("one active run per target", () => {
  it("two concurrent starts: one 201, one 409 naming the active run", async () => {
    const [a, b] = await Promise.all([
      api("POST", "/api/runs", { runbook: "cache", params: { warm: false } }),
      api("POST", "/api/runs", { runbook: "db-backup" }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([201, 409]);
    const [won, lost] = a.status === 201 ? [a, b] : [b, a];
    expect(lost.body.activeRunId).toBe(won.body.id);
    expect(lost.body.error).toContain(won.body.id);
    // One lock, the winner's, while it runs; a quick run may already have ended and taken its lock with it.
    const n = await lockCount();
    const [row] = await backoutSql<{ status: string }>(`SELECT status FROM runs WHERE id = $1`, [won.body.id]);
    expect(n === 1 || ["succeeded", "failed"].includes(row!.status), `${n} locks, the run ${row!.status}`).toBe(true);
    expect(n).toBeLessThanOrEqual(1);
    await waitForRun(won.body.id);
    // The lock goes with the run: the next start is accepted.
    const next = await startRun("db-backup");
    expect((await waitForRun(next)).status).toBe("succeeded");
  });

  it("a dry run resolves every step, executes nothing and takes no lock", async () => {
    const res = await api("POST", "/api/runs", { runbook: "app-code", params: { release: "v1.0.0" }, dryRun: true });
    expect(res.status).toBe(201);
    expect(res.body.isDryRun).toBe(true);
    const checkout = res.body.steps.find((s: { key: string }) => s.key === "checkout");
    expect(checkout.spec).toMatchObject({ kind: "git", action: "checkout", ref: "v1.0.0" });
    const build = res.body.steps.find((s: { key: string }) => s.key === "build");
    expect(build.spec.argv).toEqual(["npm", "run", "build"]);
    const run = (await api("GET", `/api/runs/${res.body.id}`)).body;
    expect(run.status).toBe("succeeded");
    expect(
      run.steps.every((s: { status: string; attempts: number }) => s.status === "skipped" && s.attempts === 0),
    ).toBe(true);
    const n = await lockCount();
    expect(n).toBe(0);
  });
});
