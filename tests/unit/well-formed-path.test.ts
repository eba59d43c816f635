import { describe, expect, it } from "vitest";
import { wellFormedPath } from "@/lib/http/well-formed-path";

describe("wellFormedPath", () => {
  it("leaves a well-formed URL exactly as it is, query included", () => {
    for (const u of ["/", "/api/runs/abc", "/api/tokens/%00", "/a%20b/%E2%9C%93?x=%ED%A0%80", "/status?x=1&y=%FF"])
      expect(wellFormedPath(u)).toBe(u);
  });
  it("reads escapes that are not UTF-8 as U+FFFD, in that segment only", () => {
    expect(wellFormedPath("/api/tokens/%ED%A0%80")).toBe("/api/tokens/%EF%BF%BD%EF%BF%BD%EF%BF%BD");
    expect(wellFormedPath("/api/queue/a%FFb/pause?target=demo")).toBe("/api/queue/a%EF%BF%BDb/pause?target=demo");
    expect(decodeURIComponent(wellFormedPath("/x/%C3%A9%FF"))).toBe("/x/é\uFFFD");
  });
});
