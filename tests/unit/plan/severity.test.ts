import { describe, expect, it } from "vitest";
import {
  AMBER_FRACTION,
  compareSeverity,
  formatClock,
  incidentClock,
  severities,
  severityClock,
  severityOf,
  type SeverityLevel,
} from "@/lib/plan";
import { at, MIN, T0 } from "./fixtures";

describe("plan §1 severity levels", () => {
  it("is the plan's table, row for row", () => {
    expect(severities.map((s) => [s.level, s.description, s.action, s.timeline])).toEqual([
      ["P0", "Service down, data loss risk", "Immediate rollback", "<15 minutes"],
      ["P1", "Critical feature broken", "Rollback within 30 min", "<30 minutes"],
      ["P2", "Performance degraded >50%", "Rollback within 1 hour", "<1 hour"],
      ["P3", "Minor issues, workarounds available", "Investigate, may not rollback", "<4 hours"],
    ]);
  });

  it("orders P0 as the most severe", () => {
    expect((["P3", "P0", "P2", "P1"] as SeverityLevel[]).sort(compareSeverity)).toEqual(["P0", "P1", "P2", "P3"]);
  });

  it("names an unknown level", () => {
    expect(() => severityOf("P9" as SeverityLevel)).toThrow('unknown severity "P9"');
  });
});

describe("severityClock: amber at 2/3 of the timeline, red at the target (the plan's timelines are strict: <15 minutes)", () => {
  it("turns amber at two thirds", () => {
    expect(AMBER_FRACTION).toBeCloseTo(2 / 3);
  });

  // level, target minutes, amber minute
  const levels: [SeverityLevel, number, number][] = [
    ["P0", 15, 10],
    ["P1", 30, 20],
    ["P2", 60, 40],
    ["P3", 240, 160],
  ];
  const cases = levels.flatMap(
    ([level, target, amber]) =>
      [
        [level, "just detected", 0, "ok"],
        [level, "1 ms before amber", amber * MIN - 1, "ok"],
        [level, `at amber (${amber} min)`, amber * MIN, "amber"],
        [level, "1 ms before the target", target * MIN - 1, "amber"],
        [level, `at the target (${target} min)`, target * MIN, "red"],
        [level, "past the target", target * MIN + 1, "red"],
      ] as [SeverityLevel, string, number, string][],
  );

  it.each(cases)("%s %s → %s", (level, _label, elapsed, state) => {
    const target = severityOf(level).timelineMinutes * MIN;
    const clock = severityClock(level, T0, at(elapsed));
    expect(clock).toEqual({
      elapsedMs: elapsed,
      targetMs: target,
      remainingMs: Math.max(0, target - elapsed),
      overdueMs: Math.max(0, elapsed - target),
      state,
    });
  });

  it("accepts the severity object as well as its level", () => {
    expect(severityClock(severityOf("P1"), T0, at(25 * MIN))).toEqual(severityClock("P1", T0, at(25 * MIN)));
  });

  it("counts a clock read before detection (skew) as no time elapsed", () => {
    expect(severityClock("P0", T0, at(-5 * MIN))).toMatchObject({ elapsedMs: 0, remainingMs: 15 * MIN, state: "ok" });
  });
});

describe("the incident clock stops when the rollback completes", () => {
  // [case, severity, rolled back after, resolved after, now, stopped by, elapsed, target met]
  const cases: [
    string,
    SeverityLevel,
    number | null,
    number | null,
    number,
    "rollback" | "resolution" | null,
    number,
    boolean | null,
  ][] = [
    ["running: counts to now", "P1", null, null, 12 * MIN, null, 12 * MIN, null],
    [
      "rolled back in 4:58 of P1's 30 min: met",
      "P1",
      4 * MIN + 58_000,
      null,
      40 * MIN,
      "rollback",
      4 * MIN + 58_000,
      true,
    ],
    ["rolled back in 16 min of P0's 15: missed", "P0", 16 * MIN, null, 20 * MIN, "rollback", 16 * MIN, false],
    ["resolved later: the rollback time stands", "P1", 5 * MIN, 13 * MIN + 26_000, 60 * MIN, "rollback", 5 * MIN, true],
    [
      "resolved without a rollback: the resolution stops it",
      "P2",
      null,
      50 * MIN,
      90 * MIN,
      "resolution",
      50 * MIN,
      true,
    ],
    ["exactly on the target is missed (strict <)", "P0", 15 * MIN, null, 15 * MIN, "rollback", 15 * MIN, false],
  ];
  it.each(cases)("%s", (_name, severity, rolledBack, resolved, now, stoppedBy, elapsed, met) => {
    const c = incidentClock(
      severity,
      T0,
      {
        rollbackCompletedAt: rolledBack === null ? null : at(rolledBack),
        resolvedAt: resolved === null ? null : at(resolved),
      },
      at(now),
    );
    expect(c.stoppedBy).toBe(stoppedBy);
    expect(c.elapsedMs).toBe(elapsed);
    expect(c.isTargetMet).toBe(met);
  });

  it("reads as the issue asks: rolled back in 4:58", () => {
    expect(formatClock(4 * MIN + 58_000)).toBe("4:58");
    expect(formatClock(62 * MIN + 3_000)).toBe("1:02:03");
  });
});
