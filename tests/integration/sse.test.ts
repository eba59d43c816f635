import { describe, expect, it } from "vitest";
import { backoutSql, readSse, startRun, waitForRun } from "./support/api";

const isEnd = (e: any) => ["run.succeeded", "run.failed", "run.cancelled", "run.needs_attention"].includes(e.type);

async function recorded(runId: string) {
  const rows = await backoutSql<{ seq: number; type: string; stepIndex: number | null; data: unknown }>(
    `SELECT seq, type, "stepIndex", data FROM run_events WHERE "runId" = $1 ORDER BY seq`,
    [runId],
  );
  return rows;
}

describe("run events over SSE", () => {
  it("a client that drops and reconnects with Last-Event-ID loses and duplicates nothing", async () => {
    const id = await startRun("deploy", { release: "v1.0.0" });
    // As an engineer, who reads events exactly as recorded (a viewer's are masked: trust.test.ts).
    const first = await readSse(id, { stop: (evs) => evs.length >= 8, as: "engineer" });
    expect(first.ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Reconnect while the run is still going.
    const rest = await readSse(id, {
      lastEventId: 8,
      stop: (evs) => evs.some(isEnd),
      timeoutMs: 120_000,
      as: "engineer",
    });
    const all = [...first.events, ...rest.events];
    const seqs = all.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect([...first.ids, ...rest.ids]).toEqual(seqs);
    const db = await recorded(id);
    expect(all.map(({ seq, type, stepIndex, data }) => ({ seq, type, stepIndex, data }))).toEqual(db);
    expect(all.at(-1).type).toBe("run.succeeded");
  });

  it("after the run has ended, a reconnect replays exactly the events after Last-Event-ID", async () => {
    const id = await startRun("db-backup");
    await waitForRun(id);
    const db = await recorded(id);
    const from = db.length - 3;
    const tail = await readSse(id, { lastEventId: from, stop: (evs) => evs.length >= 3 });
    expect(tail.ids).toEqual([from + 1, from + 2, from + 3]);
    // Nothing beyond the end arrives.
    const none = await readSse(id, { lastEventId: db.length, stop: () => false, timeoutMs: 1500 });
    expect(none.events).toEqual([]);
  });

  it("50 concurrent viewers of one live run all see the same complete sequence", async () => {
    const id = await startRun("cache", { warm: true });
    const viewers = await Promise.all(
      Array.from({ length: 50 }, () => readSse(id, { stop: (evs) => evs.some(isEnd), timeoutMs: 60_000 })),
    );
    const db = await recorded(id);
    for (const v of viewers) expect(v.ids).toEqual(db.map((e) => e.seq));
  });
});
