// plan §7 Communication Plan: the message templates, line for line, filled from an incident's
// facts. A fact that is not known yet shows as a clear gap ("[fill in: ETA]") and is listed in
// `gaps`, never as "undefined". Pure: the caller gathers the facts and passes the time zone.
import type { SeverityLevel } from "./severity";
import { formatNumber } from "./format";

export const MESSAGE_TEMPLATES = ["initiating", "update", "resolved", "internal"] as const;
export type MessageTemplateId = (typeof MESSAGE_TEMPLATES)[number];

export const TEMPLATE_INFO: Record<
  MessageTemplateId,
  { title: string; section: string; audience: "stakeholders" | "internal" }
> = {
  initiating: { title: "When initiating rollback", section: "7.1", audience: "stakeholders" },
  update: { title: "During rollback", section: "7.1", audience: "stakeholders" },
  resolved: { title: "After rollback", section: "7.1", audience: "stakeholders" },
  internal: { title: "Slack/Teams message", section: "7.2", audience: "internal" },
};

/** What the templates can say; anything absent is a gap. */
export type MessageFacts = {
  /** [Issue Description] */
  issue?: string;
  /** Issue Detected: [timestamp] */
  detectedAt?: Date;
  severity?: SeverityLevel;
  /** Impact: [description] */
  impact?: string;
  /** Expected Rollback Duration: [X] minutes, as "5-10" or "8". */
  expectedMinutes?: string;
  /** Rollback Status: [X]% complete */
  percent?: number;
  /** Current Step: [description] */
  currentStep?: string;
  /** ETA: [X] minutes */
  etaMinutes?: number;
  /** Latest: [status update] */
  latest?: string;
  /** Rollback completed successfully at [timestamp]. */
  completedAt?: Date;
  /** System Status: ✅ Healthy */
  isHealthy?: boolean;
  /** Error Rate: [X]% */
  errorRate?: number;
  /** Response Time: [X]ms */
  responseTimeMs?: number;
  /** Continue monitoring for [X] hours */
  monitorHours?: number;
  /** Root cause analysis scheduled for [date] */
  rcaDate?: string;
  /** Post-mortem meeting at [time] */
  postMortemAt?: string;
  /** - [Your Name] */
  senderName?: string;
  /** ", On-Call Engineer": the sender's role in the incident, when known. */
  senderRole?: string;
  /** Started: [timestamp] (the rollback) */
  startedAt?: Date;
  /** Dashboard: [link] */
  dashboardUrl?: string;
  /** Logs: [link] */
  logsUrl?: string;
};

export type RenderedMessage = { subject: string | null; body: string; gaps: string[] };

/** "2026-12-01 14:05 UTC" */
export function formatTimestamp(d: Date): string {
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

export function renderMessage(template: MessageTemplateId, f: MessageFacts): RenderedMessage {
  const gaps: string[] = [];
  // Each placeholder of the plan: its value, or a visible gap that names what is missing.
  const fill = (label: string, value: string | number | undefined | null): string => {
    if (
      value === undefined ||
      value === null ||
      (typeof value === "string" && !value.trim()) ||
      (typeof value === "number" && !Number.isFinite(value))
    ) {
      if (!gaps.includes(label)) gaps.push(label);
      return `[fill in: ${label}]`;
    }
    return String(value);
  };
  const time = (label: string, d: Date | undefined) => fill(label, d ? formatTimestamp(d) : undefined);
  // A function: gaps are listed in the order they appear, the signature last.
  const signature = () =>
    f.senderRole ? `- ${fill("your name", f.senderName)}, ${f.senderRole}` : `- ${fill("your name", f.senderName)}`;

  switch (template) {
    case "initiating":
      return {
        subject: `[ACTION] Initiating Rollback - ${fill("issue description", f.issue)}`,
        body: [
          `We are initiating a rollback due to ${fill("issue description", f.issue)}.`,
          "",
          `Issue Detected: ${time("detection time", f.detectedAt)}`,
          `Severity: ${fill("severity", f.severity)}`,
          `Impact: ${fill("impact", f.impact)}`,
          `Expected Rollback Duration: ${fill("expected duration", f.expectedMinutes)} minutes`,
          "",
          "We will provide updates every 15 minutes.",
          "",
          signature(),
        ].join("\n"),
        gaps,
      };
    case "update":
      return {
        subject: `[UPDATE] Rollback in Progress - ${fill("percent complete", f.percent)}% Complete`,
        body: [
          `Rollback Status: ${fill("percent complete", f.percent)}% complete`,
          `Current Step: ${fill("current step", f.currentStep)}`,
          `ETA: ${fill("ETA", f.etaMinutes)} minutes`,
          "",
          `Latest: ${fill("latest status", f.latest)}`,
          "",
          signature(),
        ].join("\n"),
        gaps,
      };
    case "resolved":
      return {
        subject: "[RESOLVED] Rollback Complete - Service Restored",
        body: [
          `Rollback completed successfully at ${time("completion time", f.completedAt)}.`,
          "",
          `System Status: ${f.isHealthy === undefined ? fill("system status", undefined) : f.isHealthy ? "✅ Healthy" : "⚠️ Not yet healthy"}`,
          `Error Rate: ${fill("error rate", f.errorRate === undefined ? undefined : formatNumber(f.errorRate))}%`,
          `Response Time: ${fill("response time", f.responseTimeMs === undefined ? undefined : Math.round(f.responseTimeMs))}ms`,
          "",
          "Next Steps:",
          `- Continue monitoring for ${fill("monitoring hours", f.monitorHours)} hours`,
          `- Root cause analysis scheduled for ${fill("root cause analysis date", f.rcaDate)}`,
          `- Post-mortem meeting at ${fill("post-mortem time", f.postMortemAt)}`,
          "",
          "Thank you for your patience.",
          "",
          signature(),
        ].join("\n"),
        gaps,
      };
    case "internal":
      return {
        subject: null,
        body: [
          "🚨 ROLLBACK IN PROGRESS 🚨",
          "",
          `Issue: ${fill("issue description", f.issue)}`,
          `Severity: ${fill("severity", f.severity)}`,
          `Started: ${time("start time", f.startedAt)}`,
          `ETA: ${fill("ETA", f.etaMinutes)} minutes`,
          "",
          `Status: ${fill("current step", f.currentStep)}`,
          "",
          `Dashboard: ${fill("dashboard link", f.dashboardUrl)}`,
          `Logs: ${fill("logs link", f.logsUrl)}`,
        ].join("\n"),
        gaps,
      };
  }
}

/** The gaps a person has left in an edited text: "[fill in: …]" markers still there. */
export function remainingGaps(text: string): string[] {
  return [...new Set([...text.matchAll(/\[fill in: ([^\]]+)\]/g)].map((m) => m[1]!))];
}

/** plan §7.1 "We will provide updates every 15 minutes": P0 and P1 incidents are held to it. */
export const UPDATE_PROMISE_MINUTES = 15;
export const SEVERITIES_WITH_UPDATE_PROMISE: readonly SeverityLevel[] = ["P0", "P1"];

/** The template that fits where the incident stands. */
export function suggestedTemplate(status: string, hasSentBefore: boolean): MessageTemplateId {
  if (status === "monitoring" || status === "resolved") return "resolved";
  if (status === "rolling_back") return hasSentBefore ? "update" : "initiating";
  return hasSentBefore ? "update" : "initiating";
}

/**
 * When an update is owed: an open P0/P1 incident whose last update (or its declaration) is at least
 * `intervalMs` old. `remindAt` is when the next reminder is due (again each interval without an update).
 */
export function updateDue(opts: {
  severity: SeverityLevel;
  status: string;
  lastUpdateAt: Date;
  lastReminderAt: Date | null;
  now: Date;
  intervalMs: number;
}): { isOverdue: boolean; overdueMs: number; isReminderDue: boolean; dueAt: Date | null } {
  if (opts.status === "resolved" || !SEVERITIES_WITH_UPDATE_PROMISE.includes(opts.severity))
    return { isOverdue: false, overdueMs: 0, isReminderDue: false, dueAt: null };
  const dueAt = new Date(opts.lastUpdateAt.getTime() + opts.intervalMs);
  const isOverdue = opts.now >= dueAt;
  const since = Math.max(opts.lastUpdateAt.getTime(), opts.lastReminderAt?.getTime() ?? 0);
  return {
    isOverdue,
    overdueMs: Math.max(0, opts.now.getTime() - dueAt.getTime()),
    isReminderDue: opts.now.getTime() - since >= opts.intervalMs,
    dueAt,
  };
}

/** What counts as an update: the declaration, and every message sent (to channels or the status page). */
export const UPDATE_ENTRY_TYPES = ["incident.declared", "message.sent"] as const;
