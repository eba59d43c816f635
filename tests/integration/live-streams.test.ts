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
  const [run] = await backoutSql<{ id: string }>(
    `INSERT INTO runs (runbook, target, status, "startedAt") VALUES ('bench-noop', $1, 'succeeded', now()) RETURNING id`,
    [`stream-test-${Date.now()}`],
  );
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
      const before = (
        await backoutSql<{ n: number }>(`SELECT coalesce(max(seq), 0)::int AS n FROM run_events WHERE "runId" = $1`, [
          runId,
        ])
      )[0]!.n;
      for (let i = 0; i < 400; i++) {
        const records = await appendEvents(
          db,
          runId,
          Array.from({ length: 10 }, (_, k) => ({
            type: "step.output" as const,
            stepIndex: 0,
            data: { stream: "stdout" as const, line: `${i * 10 + k} ${line}` },
          })),
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
    second = startProcess(
      "web-2",
      webArgv(port),
      { ...env, PORT: port },
      { logFile: path.join(env.BACKOUT_DATA_DIR!, "logs", "web-2.log") },
    );
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
    const recorded = await backoutSql<{ seq: number; type: string }>(
      `SELECT seq, type FROM run_events WHERE "runId" = $1 ORDER BY seq`,
      [id],
    );
    expect(onSecond.ids).toEqual(recorded.map((e) => e.seq));
    expect(onSecond.events.map((e) => e.type)).toEqual(recorded.map((e) => e.type));
    expect(onFirst.ids).toEqual(onSecond.ids);
    // And the other way round: a run started through the second is seen live on the first.
    const started = await fetch(`${other}/api/runs`, {
      method: "POST",
      headers: { ...bearer(), "content-type": "application/json" },
      body: JSON.stringify({ runbook: "cache", params: { warm: false } }),
    });
    expect(started.status).toBe(201);
    const back = (await started.json()).id as string;
    const seen = await readEvents(`/api/runs/${back}/events`, { stop: isEnd, timeoutMs: 60_000, as: "engineer" });
    const rows = await backoutSql<{ seq: number }>(`SELECT seq FROM run_events WHERE "runId" = $1 ORDER BY seq`, [
      back,
    ]);
    expect(seen.ids).toEqual(rows.map((e) => e.seq));
  });
});

describe("one stream per incident page", () => {
  /** Raw SSE blocks (id-less ones included) until `stop` says enough. */
  async function blocks(
    path: string,
    headers: Record<string, string>,
    stop: (bs: string[]) => boolean,
    timeoutMs = 15_000,
  ): Promise<string[]> {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), timeoutMs);
    const res = await fetch(`${BASE}${path}`, { headers, signal: ctrl.signal });
    expect(res.status).toBe(200);
    const out: string[] = [];
    let buf = "";
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += Buffer.from(chunk).toString("utf8");
        let i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          out.push(buf.slice(0, i));
          buf = buf.slice(i + 2);
        }
        if (stop(out)) break;
      }
    } catch (e) {
      if (!ctrl.signal.aborted) throw e;
    } finally {
      clearTimeout(timer);
      ctrl.abort();
    }
    return out;
  }
  const isSample = (b: string) => b.includes("event: metrics.sample");
  const timelineIds = (bs: string[]) =>
    bs.filter((b) => b.startsWith("id: ")).map((b) => Number(b.slice(4, b.indexOf("\n"))));

  it("carries the target's samples without ids beside the timeline, so a reconnect resumes the timeline where it was", async () => {
    const made = await (
      await fetch(`${BASE}/api/incidents`, {
        method: "POST",
        headers: { ...bearer("commander"), "content-type": "application/json" },
        body: JSON.stringify({ title: "One stream", severity: "P3" }),
      })
    ).json();
    const path = `/api/incidents/${made.id}/events?metrics=1`;
    // The sampler takes a reading every second in the test stack: a live one arrives too.
    const first = await blocks(
      path,
      bearer("viewer"),
      (bs) => bs.filter(isSample).length >= 2 && timelineIds(bs).length >= 1,
    );
    const samples = first.filter(isSample);
    expect(samples.length).toBeGreaterThanOrEqual(2);
    for (const b of samples) expect(b, "a sample carries no id").not.toMatch(/^id: /m);
    const seen = timelineIds(first);
    expect(seen[0]).toBe(1);
    // Something happens on the timeline; a reconnect from the last id gets just that, samples beside it.
    const patched = await fetch(`${BASE}/api/incidents/${made.id}`, {
      method: "PATCH",
      headers: { ...bearer("commander"), "content-type": "application/json" },
      body: JSON.stringify({ severity: "P2" }),
    });
    expect(patched.status).toBe(200);
    const last = Math.max(...seen);
    const again = await blocks(
      path,
      { ...bearer("viewer"), "last-event-id": String(last) },
      (bs) => timelineIds(bs).length >= 1 && bs.some(isSample),
    );
    expect(timelineIds(again)[0]).toBe(last + 1);
    // Without ?metrics=1 the stream is the timeline alone.
    const plain = await blocks(`/api/incidents/${made.id}/events`, bearer("viewer"), () => false, 2500);
    expect(plain.filter(isSample)).toEqual([]);
    // A bad value is a 400 naming it.
    const bad = await fetch(`${BASE}/api/incidents/${made.id}/events?metrics=yes`, { headers: bearer("viewer") });
    expect(bad.status).toBe(400);
    expect((await bad.json()).issues[0].path).toBe("query.metrics");
  });
});
