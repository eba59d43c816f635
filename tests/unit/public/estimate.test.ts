import { describe, expect, it } from "vitest";
import { estimateRun, type StepForEstimate } from "@/lib/runs/estimate";

const T = new Date("2026-12-01T10:00:00Z");
const s = (
  key: string,
  status: StepForEstimate["status"],
  startedSecAgo?: number,
  kind = "shell",
): StepForEstimate => ({
  key,
  kind,
  status,
  startedAt: startedSecAgo === undefined ? null : new Date(T.getTime() - startedSecAgo * 1000),
});
const history = {
  runs: 3,
  medianMs: { fetch: 2_000, install: 60_000, build: 120_000, restart: 10_000, verify: 8_000 },
};

describe("a run's progress and ETA, from its steps' recorded durations", () => {
  it("weighs steps by how long they take: install done, build half way", () => {
    const e = estimateRun(
      [
        s("fetch", "succeeded"),
        s("install", "succeeded"),
        s("build", "running", 60),
        s("restart", "pending"),
        s("verify", "pending"),
      ],
      history,
      T,
    );
    // done 62 s + 60 s of build, of 200 s in all.
    expect(e.percent).toBe(61);
    expect(e.remainingMs).toBe(60_000 + 10_000 + 8_000);
    expect(e.current).toEqual({ index: 2, key: "build", kind: "shell" });
    expect(e.basis).toBe(
      "the median time of each remaining step over the 3 earlier successful runs of this rollback on this target",
    );
  });

  it("a step running longer than it used to: the bar stops short of done, and nothing is left on it", () => {
    const e = estimateRun(
      [
        s("fetch", "succeeded"),
        s("install", "succeeded"),
        s("build", "running", 500),
        s("restart", "pending"),
        s("verify", "pending"),
      ],
      history,
      T,
    );
    expect(e.remainingMs).toBe(18_000);
    expect(e.percent).toBeLessThan(91);
  });

  it("no history: progress by steps, no ETA, and says why", () => {
    const e = estimateRun(
      [s("a", "succeeded"), s("b", "running", 5), s("c", "pending"), s("d", "pending")],
      { runs: 0, medianMs: {} },
      T,
    );
    expect(e.percent).toBe(25);
    expect(e.remainingMs).toBeNull();
    expect(e.basis).toBe("no earlier successful run of this rollback to estimate from");
  });

  it("a step never seen finishing before: no ETA, named", () => {
    const e = estimateRun([s("fetch", "running", 1), s("migrate", "pending")], history, T);
    expect(e.remainingMs).toBeNull();
    expect(e.basis).toBe("1 step still to run never finished in the 3 earlier successful runs, so no estimate");
  });

  it("an approval gate counts no time and says a person decides", () => {
    const e = estimateRun(
      [s("fetch", "succeeded"), s("approve", "waiting_approval", 30, "approval-gate"), s("restart", "pending")],
      history,
      T,
    );
    expect(e.isWaitingForPerson).toBe(true);
    expect(e.remainingMs).toBe(10_000);
    expect(e.basis).toMatch(/waiting for sign-off is not counted/);
  });

  it("finished: 100%, nothing left", () => {
    const e = estimateRun([s("fetch", "succeeded"), s("restart", "succeeded")], history, T);
    expect(e).toMatchObject({ percent: 100, remainingMs: 0, current: null });
  });
});
