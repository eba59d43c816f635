import { describe, expect, it } from "vitest";
import { declareIncidentInput } from "@/lib/schemas/incident";
import { createActionItemInput, updateActionItemInput } from "@/lib/schemas/postmortem";

// Dates a person or a script sends: an impossible one is a 400 naming the field, never stored as
// another day (Date rolls 30 February over to 2 March) and never a 500 (Postgres has no year 0).
const issuesOf = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (r.error?.issues ?? []).map((i) => [i.path.join("."), i.message] as const);

describe("due dates of action items", () => {
  it.each([
    ["year 0", "0000-01-01", /dueDate: a year from 2000 to 9999/],
    ["30 February", "2026-02-30", /dueDate: not a real date/],
    ["29 February of a common year", "2027-02-29", /dueDate: not a real date/],
    ["month 13", "2026-13-01", /dueDate: not a real date/],
    ["day 0", "2026-01-00", /dueDate: not a real date/],
    ["a time", "2026-12-15T10:00:00Z", /dueDate: a date as YYYY-MM-DD/],
    ["a year of five digits", "12026-01-01", /dueDate: a date as YYYY-MM-DD/],
  ])("%s is refused on create and update", (_what, dueDate, message) => {
    for (const schema of [createActionItemInput, updateActionItemInput]) {
      const issues = issuesOf(schema.safeParse({ title: "Alert on errors", dueDate }));
      expect(issues).toHaveLength(1);
      expect(issues[0]![0]).toBe("dueDate");
      expect(issues[0]![1]).toMatch(message);
    }
  });

  it.each(["2026-12-15", "2028-02-29", "2000-01-01", "9999-12-31"])("%s is kept as it is", (dueDate) => {
    expect(createActionItemInput.parse({ title: "Alert on errors", dueDate }).dueDate).toBe(dueDate);
  });
});

describe("detectedAt of a declared incident", () => {
  const declare = (detectedAt: unknown) =>
    declareIncidentInput.safeParse({ title: "API errors", severity: "P1", detectedAt });

  it.each([
    ["30 February", "2026-02-30T10:00:00Z", /detectedAt: not a real date/],
    ["hour 24", "2026-02-03T24:00:00Z", /detectedAt: not a real time of day/],
    ["minute 60", "2026-02-03T10:60:00Z", /detectedAt: not a real time of day/],
    ["year 0", "0000-01-01T00:00:00Z", /detectedAt: a year from 2000/],
    ["a negative year", "-004714-01-01T00:00:00Z", /detectedAt: an ISO 8601 time/],
    ["no offset (whose clock?)", "2026-02-03T10:00:00", /detectedAt: an ISO 8601 time with an offset/],
    ["a date alone", "2026-02-03", /detectedAt: an ISO 8601 time/],
    ["words", "yesterday", /detectedAt: an ISO 8601 time/],
    ["a number", 1764000000000, /detectedAt: an ISO 8601 time/],
  ])("%s is refused", (_what, detectedAt, message) => {
    const issues = issuesOf(declare(detectedAt));
    expect(issues).toHaveLength(1);
    expect(issues[0]![0]).toBe("detectedAt");
    expect(issues[0]![1]).toMatch(message);
  });

  it("keeps the instant sent, whatever its offset", () => {
    expect(
      declareIncidentInput.parse({ title: "API errors", severity: "P1", detectedAt: "2026-02-03T10:00:00.250+01:00" })
        .detectedAt,
    ).toEqual(new Date("2026-02-03T09:00:00.250Z"));
    expect(
      declareIncidentInput.parse({ title: "API errors", severity: "P1", detectedAt: "2026-02-28T23:59:59Z" })
        .detectedAt,
    ).toEqual(new Date("2026-02-28T23:59:59Z"));
  });

  it("still refuses the future", () => {
    expect(issuesOf(declare("2999-01-01T00:00:00Z"))[0]).toEqual([
      "detectedAt",
      "detectedAt: must not be in the future",
    ]);
  });
});
