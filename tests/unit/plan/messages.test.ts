import { describe, expect, it } from "vitest";
import {
  MESSAGE_TEMPLATES,
  remainingGaps,
  renderMessage,
  suggestedTemplate,
  updateDue,
  type MessageFacts,
  type MessageTemplateId,
} from "@/lib/plan";
import { at, MIN, T0 } from "./fixtures";

const full: MessageFacts = {
  issue: "checkout errors after the 14:05 deploy",
  detectedAt: T0,
  severity: "P1",
  impact: "20% of checkouts fail",
  expectedMinutes: "5-10",
  percent: 60,
  currentStep: "Building the stable version",
  etaMinutes: 4,
  latest: "Health checks pass on the old version.",
  completedAt: at(7 * MIN),
  isHealthy: true,
  errorRate: 0.4,
  responseTimeMs: 212.6,
  monitorHours: 24,
  rcaDate: "2025-11-08",
  postMortemAt: "2025-11-08 15:00 UTC",
  senderName: "Dana Reyes",
  senderRole: "On-Call Engineer",
  startedAt: at(2 * MIN),
  dashboardUrl: "https://backout.example/incidents/1",
  logsUrl: "https://backout.example/runs/2",
};

// plan §7, line for line, with everything known.
const expected: Record<MessageTemplateId, { subject: string | null; body: string }> = {
  initiating: {
    subject: "[ACTION] Initiating Rollback - checkout errors after the 14:05 deploy",
    body: `We are initiating a rollback due to checkout errors after the 14:05 deploy.

Issue Detected: 2025-11-07 10:00 UTC
Severity: P1
Impact: 20% of checkouts fail
Expected Rollback Duration: 5-10 minutes

We will provide updates every 15 minutes.

- Dana Reyes, On-Call Engineer`,
  },
  update: {
    subject: "[UPDATE] Rollback in Progress - 60% Complete",
    body: `Rollback Status: 60% complete
Current Step: Building the stable version
ETA: 4 minutes

Latest: Health checks pass on the old version.

- Dana Reyes, On-Call Engineer`,
  },
  resolved: {
    subject: "[RESOLVED] Rollback Complete - Service Restored",
    body: `Rollback completed successfully at 2025-11-07 10:07 UTC.

System Status: ✅ Healthy
Error Rate: 0.4%
Response Time: 213ms

Next Steps:
- Continue monitoring for 24 hours
- Root cause analysis scheduled for 2025-11-08
- Post-mortem meeting at 2025-11-08 15:00 UTC

Thank you for your patience.

- Dana Reyes, On-Call Engineer`,
  },
  internal: {
    subject: null,
    body: `🚨 ROLLBACK IN PROGRESS 🚨

Issue: checkout errors after the 14:05 deploy
Severity: P1
Started: 2025-11-07 10:02 UTC
ETA: 4 minutes

Status: Building the stable version

Dashboard: https://backout.example/incidents/1
Logs: https://backout.example/runs/2`,
  },
};

describe("plan §7 message templates", () => {
  it.each(MESSAGE_TEMPLATES.map((t) => [t] as const))("%s: every placeholder filled when the facts are known", (t) => {
    const m = renderMessage(t, full);
    expect({ subject: m.subject, body: m.body }).toEqual(expected[t]);
    expect(m.gaps).toEqual([]);
  });

  // With nothing known, each placeholder is a named gap: never "undefined", "NaN" or "null".
  const gapsWhenEmpty: Record<MessageTemplateId, string[]> = {
    initiating: ["issue description", "detection time", "severity", "impact", "expected duration", "your name"],
    update: ["percent complete", "current step", "ETA", "latest status", "your name"],
    resolved: [
      "completion time",
      "system status",
      "error rate",
      "response time",
      "monitoring hours",
      "root cause analysis date",
      "post-mortem time",
      "your name",
    ],
    internal: ["issue description", "severity", "start time", "ETA", "current step", "dashboard link", "logs link"],
  };
  it.each(MESSAGE_TEMPLATES.map((t) => [t] as const))("%s: with nothing known, each gap is named and marked", (t) => {
    const m = renderMessage(t, {});
    expect(m.gaps).toEqual(gapsWhenEmpty[t]);
    const text = `${m.subject ?? ""}\n${m.body}`;
    expect(text).not.toMatch(/undefined|NaN|null/);
    expect(remainingGaps(text).sort()).toEqual([...gapsWhenEmpty[t]].sort());
  });

  it("keeps the signature without a role when the sender holds none", () => {
    expect(renderMessage("update", { ...full, senderRole: undefined }).body.endsWith("- Dana Reyes")).toBe(true);
  });

  it("says so when the system is not healthy yet, and treats 0 as a value, not a gap", () => {
    const m = renderMessage("resolved", { ...full, isHealthy: false, errorRate: 0, percent: 0 });
    expect(m.body).toContain("System Status: ⚠️ Not yet healthy");
    expect(m.body).toContain("Error Rate: 0%");
    expect(renderMessage("update", { ...full, percent: 0 }).subject).toBe(
      "[UPDATE] Rollback in Progress - 0% Complete",
    );
  });

  it("finds the gaps a person left in an edited text", () => {
    expect(remainingGaps("ETA: [fill in: ETA] minutes, [fill in: ETA] again, [fill in: your name]")).toEqual([
      "ETA",
      "your name",
    ]);
    expect(remainingGaps("all filled in")).toEqual([]);
  });

  it.each([
    ["investigating", false, "initiating"],
    ["investigating", true, "update"],
    ["rolling_back", false, "initiating"],
    ["rolling_back", true, "update"],
    ["monitoring", true, "resolved"],
    ["resolved", false, "resolved"],
  ] as const)("suggests a template: %s, sent before %s → %s", (status, sent, t) => {
    expect(suggestedTemplate(status, sent)).toBe(t);
  });
});

describe("plan §7.1 'updates every 15 minutes'", () => {
  const interval = 15 * MIN;
  it.each([
    ["P1 after 14:59: not due", "P1", "investigating", 14 * MIN + 59_000, null, false, false],
    ["P1 at 15:00: due, remind", "P1", "investigating", 15 * MIN, null, true, true],
    ["P0 at 20 min, reminded at 15: overdue, not again yet", "P0", "rolling_back", 20 * MIN, 15 * MIN, true, false],
    ["P0 at 30 min, reminded at 15: remind again", "P0", "rolling_back", 30 * MIN, 15 * MIN, true, true],
    ["P2 never owes", "P2", "investigating", 60 * MIN, null, false, false],
    ["resolved never owes", "P0", "resolved", 60 * MIN, null, false, false],
  ] as const)("%s", (_name, severity, status, now, reminded, overdue, remind) => {
    const d = updateDue({
      severity,
      status,
      lastUpdateAt: T0,
      lastReminderAt: reminded === null ? null : at(reminded),
      now: at(now),
      intervalMs: interval,
    });
    expect(d.isOverdue).toBe(overdue);
    expect(d.isReminderDue).toBe(remind);
  });
});
