import { describe, expect, it } from "vitest";
import { safeNext } from "@/lib/auth/next-path";

describe("safeNext: after sign-in, only a path on this site", () => {
  it.each([
    ["/incidents", "/incidents"],
    ["/incidents/abc?tab=timeline#x", "/incidents/abc?tab=timeline#x"],
    [undefined, "/"],
    ["", "/"],
    ["incidents", "/"],
    ["https://evil.example/", "/"],
    ["//evil.example/", "/"],
    ["/\\evil.example/", "/"],
    ["/\t/evil.example/", "/"],
    ["/\n/evil.example", "/"],
    ["/%09/evil.example", "/%09/evil.example"],
    ["/change-password?next=%2F", "/"],
    ["/change-password", "/"],
  ])("%j → %s", (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});
