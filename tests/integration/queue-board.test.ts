import crypto from "node:crypto";
import { Queue } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { backoutSql, BASE, bearer, demoRedis, signedInUser } from "./support/api";

// The plan's Bull Board at /admin/queues: behind sign-in, viewers look, engineers act, each change audited.

const redis = demoRedis();
const queue = new Queue("ai-analysis", { connection: redis, prefix: "bull" });
const board = `${BASE}/admin/queues`;
// The board names a target's queue after its target: the demo's ai-analysis queue.
const onBoard = encodeURIComponent("demo · ai-analysis");

afterAll(async () => {
  await queue.close();
  redis.disconnect();
});

/** A job the demo's workers will not take for an hour: something to act on. */
async function delayedJob(): Promise<string> {
  const job = await queue.add("board-test", { from: "queue-board.test" }, { delay: 3_600_000 });
  return job.id!;
}

describe("the queue board", () => {
  it("sends a browser that is not signed in to sign in, and answers a script 401", async () => {
    const page = await fetch(board, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/sign-in?next=%2Fadmin%2Fqueues");
    const script = await fetch(`${board}/api/queues`);
    expect(script.status).toBe(401);
    expect((await script.json()).error).toMatch(/Sign in first/);
  });

  it("shows a viewer the real board, read-only, over Backout's queues and every target's", async () => {
    const page = await fetch(board, { headers: { ...bearer("viewer"), accept: "text/html" } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("__UI_CONFIG__");
    expect(html).toContain("Backout queues (read-only)");
    // Its own scripts load under its own policy (no nonce to give them).
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self'; /);
    const script = /src="(static\/js\/main\.[^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${board}/${script}`, { headers: bearer("viewer") });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    // Nothing outside its own files.
    const escape = await fetch(`${board}/static/..%2f..%2fpackage.json`, { headers: bearer("viewer") });
    expect(escape.status).toBe(404);

    const api = await fetch(`${board}/api/queues?activeQueue=${onBoard}&status=delayed`, { headers: bearer("viewer") });
    expect(api.status).toBe(200);
    const { queues } = (await api.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    // Backout's own queues only: a target's jobs carry its production data.
    expect(queues.map((q) => q.name).sort()).toEqual(["messages", "runs", "runs-far"]);
    expect(queues.every((q) => q.readOnlyMode)).toBe(true);
    const redisStats = await fetch(`${board}/api/redis/stats`, { headers: bearer("viewer") });
    expect(JSON.stringify(await redisStats.json().catch(() => ({})))).not.toMatch(/redis_version|tcp_port/);
  });

  it("tells a viewer how many runners take a queue and for how long, never their addresses; engineers see where they run", async () => {
    const workersOf = async (role: "viewer" | "engineer") => {
      const res = await fetch(`${board}/api/queues/runs/workers`, { headers: bearer(role) });
      expect(res.status).toBe(200);
      return ((await res.json()) as { workers: { id: string; name: string | null; addr: string; age: number }[] })
        .workers;
    };
    const [asViewer, asEngineer] = [await workersOf("viewer"), await workersOf("engineer")];
    // The tier's own runner takes "runs": the board has someone to describe.
    expect(asEngineer.length).toBeGreaterThan(0);
    expect(asEngineer.some((w) => /^127\.0\.0\.1:\d+$/.test(w.addr))).toBe(true);
    expect(asViewer).toHaveLength(asEngineer.length);
    for (const w of asViewer) {
      expect(Object.keys(w).sort()).toEqual(["addr", "age", "id", "name"]);
      expect(w.addr).toBe("");
      expect(w.name).toBeNull();
      expect(typeof w.age).toBe("number");
    }
    expect(JSON.stringify(asViewer)).not.toMatch(/127\.0\.0\.1|:\d{4,5}/);
  });

  it("gives engineers the targets' queues to act on, and only the plan's actions; Backout's own queues stay read-only", async () => {
    const res = await fetch(`${board}/api/queues`, { headers: bearer("engineer") });
    const { queues } = (await res.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    const byName = new Map(queues.map((q) => [q.name, q]));
    expect(byName.get("demo · ai-analysis")?.readOnlyMode).toBe(false);
    expect(byName.get("runs")?.readOnlyMode).toBe(true);
    const id = await delayedJob();
    // Emptying a target's queue, adding a job to Backout's run queue: not offered.
    for (const [method, path, body] of [
      ["PUT", `/api/queues/${onBoard}/empty`, undefined],
      ["POST", `/api/queues/runs/add`, JSON.stringify({ name: "execute-run", data: { runId: crypto.randomUUID() } })],
      ["PATCH", `/api/queues/${onBoard}/${id}/update-data`, JSON.stringify({ data: {} })],
    ] as const) {
      const refused = await fetch(`${board}${path}`, {
        method,
        headers: { ...bearer("engineer"), ...(body ? { "content-type": "application/json" } : {}) },
        body,
      });
      expect(refused.status, `${method} ${path}`).toBe(405);
      expect((await refused.json()).error).toMatch(/not offered/);
    }
    expect(await queue.getJobState(id)).toBe("delayed");
    expect(await (await fetch(`${board}/api/queues`, { headers: bearer("engineer") })).json()).toBeTruthy();
    await queue.remove(id);
  });

  it("lets an engineer act on a job, in the audit table; a viewer's same request is refused and changes nothing", async () => {
    const id = await delayedJob();
    const clean = `${board}/api/queues/${onBoard}/${id}/clean`;
    // The board's buttons send a bodiless PUT from the board's own page.
    const asViewer = await fetch(clean, { method: "PUT", headers: bearer("viewer") });
    expect(asViewer.status).toBe(403);
    expect(await queue.getJobState(id)).toBe("delayed");

    const asEngineer = await fetch(clean, { method: "PUT", headers: bearer("engineer") });
    expect(asEngineer.status).toBeLessThan(300);
    expect(await queue.getJob(id)).toBeUndefined();
    const [audit] = await backoutSql<{ status: number }>(
      `SELECT status FROM audit_entries WHERE method = 'PUT' AND path LIKE $1 AND status < 300`,
      [`/admin/queues/api/queues/%/${id}/clean`],
    );
    expect(audit?.status).toBeLessThan(300);
  });

  it("takes a signed-in browser's bodiless PUT from its own page, never from another origin", async () => {
    const id = await delayedJob();
    const clean = `${board}/api/queues/${onBoard}/${id}/clean`;
    const { cookie } = await signedInUser("board-engineer@example.com", "engineer");
    const foreign = await fetch(clean, { method: "PUT", headers: { cookie, origin: "http://evil.example" } });
    expect(foreign.status).toBe(403);
    expect(await queue.getJobState(id)).toBe("delayed");
    const own = await fetch(clean, { method: "PUT", headers: { cookie, origin: BASE, "content-length": "0" } });
    expect(own.status).toBeLessThan(300);
    expect(await queue.getJob(id)).toBeUndefined();
  });

  it("reads no more of a body than any other route (413, audited), declared or streamed, and acts on nothing", async () => {
    const id = await delayedJob();
    const clean = `${board}/api/queues/${onBoard}/${id}/clean`;
    const audited = async () =>
      (
        await backoutSql<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_entries WHERE method = 'PUT' AND path = $1 AND status = 413`,
          [new URL(clean).pathname],
        )
      )[0]!.n;
    const declared = await fetch(clean, {
      method: "PUT",
      headers: { ...bearer("engineer"), "content-type": "application/json" },
      body: "x".repeat(1024 * 1024),
    });
    expect(declared.status).toBe(413);
    expect((await declared.json()).error).toMatch(/larger than this endpoint takes/);
    // Sent in chunks without a length: cut off as soon as it passes the limit, not read to its end.
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024).fill(120);
    const streamed = await fetch(clean, {
      method: "PUT",
      headers: { ...bearer("engineer"), "content-type": "application/json" },
      duplex: "half",
      body: new ReadableStream({
        pull(c) {
          if (sent >= 64 * 1024 * 1024) return c.close();
          sent += chunk.byteLength;
          c.enqueue(chunk);
        },
      }),
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    expect(await queue.getJobState(id)).toBe("delayed");
    expect(await audited()).toBe(2);
    await queue.remove(id);
  });
});
