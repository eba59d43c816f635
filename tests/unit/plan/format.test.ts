import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, formatElapsed, formatNumber, formatRatio } from "@/lib/plan";

describe("how the plan's why-texts word numbers", () => {
  it.each([
    [0, "0 s"],
    [45_999, "45 s"],
    [60_000, "1 min"],
    [200_000, "3 min 20 s"],
    [3_600_000, "1 h"],
    [3_900_000, "1 h 5 min"],
    [-5, "0 s"],
  ])("duration %s ms → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([
    [0, "0 ms"],
    [420.4, "420 ms"],
    [4_250, "4.2 s"],
    [9_999, "9.9 s"],
    [45_000, "45 s"],
    [245_000, "4 min 5 s"],
  ])("elapsed %s ms → %s (steps and runs)", (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });

  it.each([
    [formatNumber(18.2), "18.2"],
    [formatNumber(10), "10"],
    [formatNumber(4.949), "4.95"],
    [formatRatio(289 / 240), "1.204×"],
    [formatRatio(2), "2×"],
    [formatBytes(512), "512 B"],
    [formatBytes(1536), "1.5 KiB"],
    [formatBytes(40 * 1024 ** 3), "40 GiB"],
  ])("%s = %s", (got, want) => {
    expect(got).toBe(want);
  });
});
