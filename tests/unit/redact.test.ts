import { describe, expect, it } from "vitest";
import { redactSpec } from "@/lib/runs/redact";

describe("redactSpec keeps credentials out of what viewers see", () => {
  it.each([
    ["postgresql://app:s3cr3t@db:5432/app", "postgresql://app:***@db:5432/app"],
    ["redis://:hunter2@cache:6379/1", "redis://:***@cache:6379/1"],
    ["postgresql://postgres@127.0.0.1:5432/backout_demo", "postgresql://postgres@127.0.0.1:5432/backout_demo"],
    ["http://127.0.0.1:3101/health", "http://127.0.0.1:3101/health"],
    ["pg_dump --no-owner postgresql://u:p@h/d", "pg_dump --no-owner postgresql://u:***@h/d"],
  ])("%s → %s", (input, out) => expect(redactSpec(input)).toBe(out));

  it("masks env values whose names look secret, keeps the rest, and walks arrays and objects", () => {
    const spec = {
      kind: "shell",
      argv: ["psql", "postgresql://a:b@h/d"],
      env: { PM2_HOME: "/x", API_TOKEN: "t", DB_PASSWORD: "p", AWS_SECRET_ACCESS_KEY: "k" },
    };
    expect(redactSpec(spec)).toEqual({
      kind: "shell",
      argv: ["psql", "postgresql://a:***@h/d"],
      env: { PM2_HOME: "/x", API_TOKEN: "***", DB_PASSWORD: "***", AWS_SECRET_ACCESS_KEY: "***" },
    });
  });
});

describe("storable", () => {
  it("never leaves half a surrogate pair where it cuts, nor a lone one or a NUL anywhere", async () => {
    const { storable } = await import("@/lib/audit");
    for (let prefix = 0; prefix < 4; prefix++) {
      const s = storable(`${"x".repeat(prefix)}${"💥".repeat(400)}`, 500);
      expect(s).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      expect(() => JSON.parse(JSON.stringify(s))).not.toThrow();
    }
    expect(storable("a\u0000b\ud800c")).toBe("a\uFFFDb\uFFFDc");
  });
});
