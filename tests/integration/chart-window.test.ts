import { afterAll, describe, expect, it } from "vitest";
import { CHART_WINDOW } from "@/lib/plan";
import { api, backoutSql, readEvents } from "./support/api";
import { STANDBY } from "./support/env";

// The charts' window as the server sends it to a fresh page (GET /api/metrics and the stream's
// replay): every sample of the last two minutes, the newest of each 5-second slot before.
// Half an hour of readings a second is written for the standby target, and taken away after.

const MARK = 987_654;
afterAll(() => backoutSql(`DELETE FROM metric_samples WHERE target = $1 AND "durationMs" = $2`, [STANDBY, MARK]));

type Row = { id: number; at: number };

describe("the charts' window", () => {
  it("is thinned the same way on both paths: every recent sample, the newest of each older slot, a fraction of the rows", async () => {
    await backoutSql(
      `INSERT INTO metric_samples (target, at, values, "durationMs")
       SELECT $1, now() - make_interval(secs => s), '{"healthUp": false}'::jsonb, $2 FROM generate_series(1790, 1, -1) AS s`,
      [STANDBY, MARK],
    );
    const rows = (
      await backoutSql<{ id: string; at: Date }>(
        `SELECT id::text, at FROM metric_samples WHERE target = $1 AND at >= now() - interval '30 minutes' ORDER BY metric_samples.id`,
        [STANDBY],
      )
    ).map((r) => ({ id: Number(r.id), at: new Date(r.at).getTime() }));
    const rest = (await api("GET", `/api/metrics?target=${STANDBY}`)).body.samples as { id: number; at: string }[];
    const asRows = (xs: { id: number; at: string }[]): Row[] => xs.map((s) => ({ id: s.id, at: Date.parse(s.at) }));
    const checkedAt = Date.now();
    // Clear of the edges, which move while the test reads.
    const recent = (xs: Row[]) =>
      xs.filter((r) => r.at >= checkedAt - CHART_WINDOW.fullMs + 5_000 && r.at < checkedAt - 5_000);
    const slot = (r: Row) => Math.floor(r.at / CHART_WINDOW.slotMs);
    // Whole slots only, clear of both edges: a slot cut by an edge has its newest reading on the other side.
    const [firstSlot, lastSlot] = [
      Math.floor((checkedAt - 29 * 60_000) / CHART_WINDOW.slotMs),
      Math.floor((checkedAt - CHART_WINDOW.fullMs - 10_000) / CHART_WINDOW.slotMs),
    ];
    const older = (xs: Row[]) => xs.filter((r) => slot(r) > firstSlot && slot(r) < lastSlot);

    const sent = asRows(rest);
    expect(sent.length).toBeLessThan(rows.length / 3);
    expect(recent(sent).map((r) => r.id)).toEqual(recent(rows).map((r) => r.id));
    const olderSent = older(sent);
    expect(new Set(olderSent.map(slot)).size).toBe(olderSent.length);
    for (const r of olderSent) {
      const newestOfSlot = Math.max(...rows.filter((x) => slot(x) === slot(r)).map((x) => x.id));
      expect(r.id).toBe(newestOfSlot);
    }
    // Every older slot with readings has its one.
    expect(new Set(olderSent.map(slot))).toEqual(new Set(older(rows).map(slot)));

    // A fresh page's stream replays the same window.
    const { events } = await readEvents(`/api/metrics/events?target=${STANDBY}`, {
      stop: (evs) => evs.length >= sent.length - 5,
      timeoutMs: 10_000,
    });
    expect(older(asRows(events)).map((r) => r.id)).toEqual(olderSent.map((r) => r.id));
  });
});
