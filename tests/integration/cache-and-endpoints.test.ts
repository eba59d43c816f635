import { afterAll, describe, expect, it } from "vitest";
import { api, DEMO, demoRedis, runToEnd } from "./support/api";
import { deleteByPattern } from "@/lib/steps/executors/cache";
import { env } from "./support/api";

const redis = demoRedis();
afterAll(() => redis.disconnect());

describe("plan §4.3 cache invalidation by pattern", () => {
  it("deletes exactly the keys matching gemini:* and nothing else", async () => {
    // The demo's queue worker writes gemini:analysis:* keys; hold it still while we count.
    await api("POST", "/api/queue/pause-all");
    await new Promise((r) => setTimeout(r, 500));
    const stale = await redis.keys("gemini*");
    if (stale.length) await redis.del(...stale);
    const matching = ["gemini:project:1", "gemini:analysis:2", "gemini:x:y:z", "gemini:"];
    const others = ["gemini", "geminix:1", "other:gemini:1", "Gemini:1", "bull:ai-analysis:meta-test"];
    for (const k of [...matching, ...others]) await redis.set(k, "v");
    // Enough keys that SCAN needs several cursors.
    const pipe = redis.pipeline();
    for (let i = 0; i < 3000; i++) pipe.set(`gemini:bulk:${i}`, "v");
    await pipe.exec();

    const run = await runToEnd("cache", { mode: "pattern", warm: false });
    expect(run.status, run.error).toBe("succeeded");
    expect(run.steps[0].result).toEqual({ deleted: 3000 + matching.length, pattern: "gemini:*" });
    for (const k of matching) expect(await redis.exists(k), k).toBe(0);
    for (const k of others) expect(await redis.exists(k), k).toBe(1);
    expect(await redis.keys("gemini:*")).toEqual([]);
    await api("POST", "/api/queue/resume-all");
  });

  it("deleteByPattern never uses KEYS and leaves other patterns alone", async () => {
    await redis.set("session:1", "v");
    await redis.set("gemini:a", "v");
    const monitor = await redis.duplicate().monitor();
    const commands: string[] = [];
    monitor.on("monitor", (_t: string, args: string[]) => commands.push(String(args[0]).toLowerCase()));
    expect(await deleteByPattern(env.DEMO_REDIS_URL!, "gemini:*")).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    monitor.disconnect();
    expect(commands).toContain("scan");
    expect(commands).toContain("unlink");
    expect(commands).not.toContain("keys");
    expect(await redis.exists("session:1")).toBe(1);
  });

  it("warms the cache, then the per-entity DELETE endpoints remove one key each", async () => {
    const warm = await api("POST", "/api/cache/warm");
    expect(warm.status).toBe(200);
    expect(warm.body.result.warmed).toBeGreaterThan(0);
    expect(await redis.exists("gemini:project:1")).toBe(1);
    const del = await api("DELETE", "/api/cache/project/1");
    expect(del.body).toMatchObject({ key: "gemini:project:1", deleted: 1 });
    expect(await redis.exists("gemini:project:1")).toBe(0);
    expect((await api("DELETE", "/api/cache/project/1")).body.deleted).toBe(0);
    expect((await api("DELETE", "/api/cache/analysis/1")).status).toBe(200);
  });
});

describe("the plan's own endpoints act on the default target", () => {
  it("pause-all, gradual resume, resume-all and clean-all change the demo's BullMQ queues", async () => {
    expect((await api("POST", "/api/queue/pause-all")).body.paused).toEqual(["ai-analysis", "document-processing"]);
    let q = (await api("GET", "/api/queue/stats")).body.queues;
    expect([q["ai-analysis"].isPaused, q["document-processing"].isPaused]).toEqual([true, true]);
    expect((await api("POST", "/api/queue/ai-analysis/resume")).status).toBe(200);
    q = (await api("GET", "/api/queue/stats")).body.queues;
    expect([q["ai-analysis"].isPaused, q["document-processing"].isPaused]).toEqual([false, true]);
    await api("POST", "/api/queue/resume-all");
    q = (await api("GET", "/api/queue/stats")).body.queues;
    expect([q["ai-analysis"].isPaused, q["document-processing"].isPaused]).toEqual([false, false]);
    const clean = await api("POST", "/api/queue/clean-all");
    expect(clean.status).toBe(200);
    expect(Object.keys(clean.body.removed)).toEqual(["ai-analysis", "document-processing"]);
  });

  it("maintenance mode stops the demo's writes and lifts again", async () => {
    expect((await api("POST", "/api/maintenance/enable")).status).toBe(200);
    const write = await fetch(`${DEMO}/api/projects`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "x" }),
    });
    expect(write.status).toBe(503);
    expect((await api("POST", "/api/maintenance/disable")).status).toBe(200);
    const after = await fetch(`${DEMO}/api/projects`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "maintenance-test" }),
    });
    expect(after.status).toBeLessThan(300);
  });

  it("GET /health reports Postgres, Redis and the worker; /api/projects and /api/analysis pass through", async () => {
    const health = await api("GET", "/health");
    expect(health.status).toBe(200);
    expect(health.body.checks).toMatchObject({ database: { ok: true }, redis: { ok: true }, worker: { ok: true } });
    const projects = await api("GET", "/api/projects");
    expect(projects.status).toBe(200);
    expect(JSON.stringify(projects.body)).toContain("maintenance-test");
    expect((await api("GET", "/api/analysis")).status).toBe(200);
    expect((await fetch(`${DEMO}/health`)).status).toBe(200);
  });
});
