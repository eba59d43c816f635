import { describe, expect, it } from "vitest";
import { sendMessageInput } from "@/lib/schemas/message";
import { updateIncidentInput } from "@/lib/schemas/incident";

// Text a person typed may not carry what Postgres or the Atom feed refuses: a 400 naming the field, never a 500.
describe("free text refuses control characters and lone surrogates, naming the field", () => {
  it.each([
    ["a NUL byte", "body", { template: "custom", body: "ok\u0000no" }],
    ["an escape character", "publicBody", { template: "custom", body: "ok", publicBody: "status \u001b[31mred" }],
    ["a lone surrogate", "subject", { template: "custom", body: "ok", subject: "half \ud800 a pair" }],
  ])("%s in %s", (_what, field, input) => {
    const r = sendMessageInput.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join("."))).toEqual([field]);
    expect(r.error!.issues[0]!.message).toMatch(new RegExp(`^${field}: remove control characters`));
  });

  it("keeps tabs, line breaks and emoji", () => {
    expect(
      sendMessageInput.safeParse({ template: "internal", body: "🚨 ROLLBACK IN PROGRESS 🚨\n\tStatus:\r\n ok" })
        .success,
    ).toBe(true);
  });

  it("applies to resolution summaries and public titles too", () => {
    expect(updateIncidentInput.safeParse({ status: "resolved", summary: "done\u0000" }).error!.issues[0]!.path).toEqual(
      ["summary"],
    );
    expect(updateIncidentInput.safeParse({ publicTitle: "Checkout\u0007" }).error!.issues[0]!.path).toEqual([
      "publicTitle",
    ]);
  });
});
