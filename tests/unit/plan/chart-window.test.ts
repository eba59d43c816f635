import { describe, expect, it } from "vitest";
import { CHART_WINDOW, thinForChart } from "@/lib/plan";

// The charts' window: every reading of the last two minutes, the newest of each 5-second slot before.
const NOW = Date.UTC(2026, 11, 7, 10, 0, 0);
const everySecond = (seconds: number) =>
  Array.from({ length: seconds }, (_, i) => ({ id: i + 1, t: NOW - (seconds - i) * 1000 + 1 }));

describe("thinForChart", () => {
  it("keeps 30 minutes of one reading a second to every reading of the last two minutes and one per slot before", () => {
    const all = everySecond(30 * 60);
    const kept = thinForChart(all, NOW);
    const full = kept.filter((s) => s.t >= NOW - CHART_WINDOW.fullMs);
    expect(full).toEqual(all.filter((s) => s.t >= NOW - CHART_WINDOW.fullMs));
    expect(full).toHaveLength(120);
    const older = kept.filter((s) => s.t < NOW - CHART_WINDOW.fullMs);
    const slots = older.map((s) => Math.floor(s.t / CHART_WINDOW.slotMs));
    expect(new Set(slots).size).toBe(older.length);
    expect(older.length).toBeGreaterThanOrEqual(335);
    expect(older.length).toBeLessThanOrEqual(337);
    expect(kept.length).toBeLessThan(all.length / 3);
  });

  it("keeps the newest reading of each slot, and always the latest reading", () => {
    const all = everySecond(30 * 60);
    const kept = thinForChart(all, NOW);
    expect(kept.at(-1)).toBe(all.at(-1));
    for (const s of kept.filter((x) => x.t < NOW - CHART_WINDOW.fullMs)) {
      const slot = Math.floor(s.t / CHART_WINDOW.slotMs);
      const sameSlot = all.filter(
        (x) => Math.floor(x.t / CHART_WINDOW.slotMs) === slot && x.t < NOW - CHART_WINDOW.fullMs,
      );
      expect(s).toBe(sameSlot.at(-1));
    }
  });

  it("drops what is older than the window and keeps sparse readings as they are", () => {
    const sparse = [{ t: NOW - 40 * 60_000 }, { t: NOW - 20 * 60_000 }, { t: NOW - 10 * 60_000 }, { t: NOW - 30_000 }];
    expect(thinForChart(sparse, NOW)).toEqual(sparse.slice(1));
    expect(thinForChart([], NOW)).toEqual([]);
  });

  it("is the same whatever it has already thinned (a page that stays open converges on the fresh page's window)", () => {
    const all = everySecond(30 * 60);
    const once = thinForChart(all, NOW);
    expect(thinForChart(once, NOW)).toEqual(once);
  });
});
