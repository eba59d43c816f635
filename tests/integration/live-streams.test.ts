import http from "node:http";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "../../lib/db/client";
import { createRedis } from "../../lib/redis";
import { appendEvents, publishEvents } from "../../lib/runs/events";
import { startProcess, waitForHttp, webArgv, type Proc } from "../../scripts/stack";
import { backoutSql, bearer, BASE, readEvents, startRun, waitForRun } from "./support/api";
import { testEnv } from "./support/env";

// Live views under pressure: a viewer that stops reading, and two web processes sharing Postgres and Redis.

const env = testEnv();
const db = createDb(env.DATABASE_URL, 4);
const redis = createRedis(env.REDIS_URL);
let second: Proc | undefined;

afterAll(async () => {
  await second?.stop();
  await db.$disconnect();
  redis.disconnect();
});

/** A run row to publish events for by hand (finished, so no worker's reconciler takes it up and adds its own). */
async function bareRun(): Promise<string> {
  const [run] = await backoutSql<{ id: string }>(`INSERT INTO runs (runbook, target, status, "startedAt") VALUES ('bench-noop', $1, 'succeeded', now()) RETURNING id`, [
    `stream-test-${Date.now()}`,
  ]);
  return run!.id;
}

/** Reads a stream with node:http (so reading can be paused), collecting event ids. */
function openViewer(url: string, headers: Record<string, string>) {
  const seqs: number[] = [];
  let buf = "";
  let res: http.IncomingMessage | undefined;
  const connected = new Promise<void>((resolve, reject) => {
    const req = http.get(url, { headers }, (r) => {
      res = r;
      r.setEncoding("utf8");
      r.on("data", (chunk: string) => {
        buf += chunk;
        if (buf.includes(": connected")) resolve();
        let i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (block.startsWith("id: ")) seqs.push(Number(block.slice(4, block.indexOf("\n"))));
        }
      });
    });
    req.on("error", reject);
  });
  return {
    seqs,
    connected,
    pause: () => res!.pause(),
    resume: () => res!.resume(),
    close: () => res?.destroy(),
  };
}

describe("a viewer that stops reading", () => {
  it("is caught up when it reads again: every event once, in order, however much was published meanwhile", async () => {
    const runId = await bareRun();
    for (const role of ["engineer", "viewer"] as const) {
      // The engineer's stream shares each event's frame; the viewer's is masked: both paths.
      const viewer = openViewer(`${BASE}/api/runs/${runId}/events`, bearer(role));
      await viewer.connected;
      viewer.pause();
      // Far more than the sockets can hold (16 MiB), so the server must stop writing and hold back.
      const line = "x".repeat(4000);
      const before = (await backoutSql<{ n: number }>(`SELECT coalesce(max(seq), 0)::int AS n FROM run_events WHERE "runId" = $1`, [runId]))[0]!.n;
      for (let i = 0; i < 400; i++) {
        const records = await appendEvents(
          db,
          runId,
          Array.from({ length: 10 }, (_, k) => ({ type: "step.output" as const, stepIndex: 0, data: { stream: "stdout" as const, line: `${i * 10 + k} ${line}` } })),
        );
        await publishEvents(redis, records);
      }
      const last = before + 4000;
      await new Promise((r) => setTimeout(r, 1500));
      expect(viewer.seqs.length, `${role}: reading was paused`).toBeLessThan(last);
      viewer.resume();
      const deadline = Date.now() + 60_000;
      while (!viewer.seqs.includes(last) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      viewer.close();
      expect(viewer.seqs, role).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    }
  });
});

describe("two web processes sharing Postgres and Redis", () => {
  it("a viewer on either sees every event of a run started through the other, in order", async () => {
    const port = String(Number(env.PORT) + 50);
    second = startProcess("web-2", webArgv(port), { ...env, PORT: port }, { logFile: path.join(env.BACKOUT_DATA_DIR!, "logs", "web-2.log") });
    const other = `http://127.0.0.1:${port}`;
    await waitForHttp(`${other}/health`, { timeoutMs: 60_000 });
    // Started through the first web process…
    const id = await startRun("cache", { warm: true });
    const isEnd = (evs: any[]) => evs.some((e) => ["run.succeeded", "run.failed"].includes(e.type));
    // …watched live through the second, and through the first.
    const [onSecond, onFirst] = await Promise.all([
      readEvents(`${other}/api/runs/${id}/events`, { stop: isEnd, timeoutMs: 60_000, as: "engineer" }),
      readEvents(`/api/runs/${id}/events`, { stop: isEnd, timeoutMs: 60_000, as: "engineer" }),
    ]);
    expect((await waitForRun(id)).status).toBe("succeeded");
    const recorded = await backoutSql<{ seq: number; type: string }>(`SELECT seq, type FROM run_events WHERE "runId" = $1 ORDER BY seq`, [id]);
    expect(onSecond.ids).toEqual(recorded.map((e) => e.seq));
    expect(onSecond.events.map((e) => e.type)).toEqual(recorded.map((e) => e.type));
    expect(onFirst.ids).toEqual(onSecond.ids);
    // And the other way round: a run started through the second is seen live on the first.
    const started = await fetch(`${other}/api/runs`, { method: "POST", headers: { ...bearer(), "content-type": "application/json" }, body: JSON.stringify({ runbook: "cache", params: { warm: false } }) });
    expect(started.status).toBe(201);
    const back = (await started.json()).id as string;
    const seen = await readEvents(`/api/runs/${back}/events`, { stop: isEnd, timeoutMs: 60_000, as: "engineer" });
    const rows = await backoutSql<{ seq: number }>(`SELECT seq FROM run_events WHERE "runId" = $1 ORDER BY seq`, [back]);
    expect(seen.ids).toEqual(rows.map((e) => e.seq));
  });
});
