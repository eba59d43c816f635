import { describe, expect, it } from "vitest";
import { cleanOutputLine } from "@/lib/runs/clean-output";

describe("a step's output is kept as plain text", () => {
  it.each([
    [
      "pm2's coloured table",
      "\u001b[32m│\u001b[39m demo-api \u001b[1m\u001b[36monline\u001b[39m\u001b[22m",
      "│ demo-api online",
    ],
    ["a cursor move and erase", "\u001b[2K\u001b[1Gbuilding 40%", "building 40%"],
    ["a NUL byte", "a\u0000b", "a\uFFFDb"],
    ["plain text untouched", "npm run build", "npm run build"],
  ])("%s", (_name, input, expected) => {
    expect(cleanOutputLine(input)).toBe(expected);
  });

  it("cuts a line at 4,000 characters", () => {
    expect(cleanOutputLine("x".repeat(5000))).toHaveLength(4000);
  });
});
