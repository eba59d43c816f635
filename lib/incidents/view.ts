import { hasRole, type Role } from "../auth/roles";
import { maskDeep, maskNullable, maskText } from "../auth/visibility";
import type {
  DeliveryAttempt as AttemptRow,
  Incident as IncidentRow,
  Message as MessageRow,
  MessageDelivery as DeliveryRow,
  Run as RunRow,
} from "../../generated/prisma/client";
import type { ProbeResult } from "../plan";
import type { Assignment } from "./assignments";
import type { ItemState } from "./checklist";
import type { IncidentEntryType } from "./entry-types";

// What each role may read of an incident's record, on every surface that shows it: the incident
// (GET /api/incidents/{id}), its live stream, its messages. Engineers and above read it as written.
// A viewer's copy is built from the allow-lists below, field by field, with every free text in it
// (a reason, a resolution summary, a message's subject, a step's error) read as a viewer reads run
// output: without URLs, hosts, ports, absolute paths or settings' values (lib/auth/visibility.ts).

/**
 * The data a viewer may read of each kind of timeline entry (the console's timeline shows these).
 * Keyed by every entry type, so a new type does not compile until it says what a viewer sees.
 */
const VIEWER_ENTRY_DATA: Record<IncidentEntryType, readonly string[]> = {
  "incident.declared": ["title", "severity", "target", "components", "detectedAt", "isDrill", "drillRunbook"],
  "incident.severity_changed": ["from", "to", "reason"],
  "incident.status_changed": [
    "from",
    "to",
    "reason",
    "isAutomatic",
    "runId",
    "runbook",
    "summary",
    "finalDecision",
    "untickedAtResolve",
  ],
  "incident.reopened": ["reason"],
  "incident.public_changed": ["publicTitle", "isReleasePublic"],
  "checklist.ticked": ["checklist", "itemId", "text", "isOverride", "reason"],
  "checklist.unticked": ["checklist", "itemId", "text", "isOverride", "reason"],
  "checkpoint.overridden": ["checkpoint", "reason", "runbook", "missing"],
  "run.started": ["runId", "runbook", "title", "params", "isOutsideIncident", "checkpointOneMissing"],
  "run.dry_run": ["runId", "runbook", "title", "params", "isOutsideIncident", "checkpointOneMissing"],
  "run.succeeded": ["runId", "runbook", "error"],
  "run.failed": ["runId", "runbook", "error"],
  "run.cancelled": ["runId", "runbook", "error"],
  "run.needs_attention": ["runId", "runbook", "error"],
  "run.approved": ["runId", "runbook", "step", "comment", "isSolo"],
  "run.rejected": ["runId", "runbook", "step", "comment", "isSolo"],
  "action.performed": ["method", "path", "status", "runbook"],
  "action.failed": ["method", "path", "status", "runbook", "error"],
  "decision.fact_stated": ["fact", "value"],
  "flowchart.answered": ["question", "answer"],
  "flowchart.quick_fix_started": ["minutes"],
  "message.sent": ["messageId", "template", "subject", "channels", "isPublic", "isHeldBack"],
  "message.delivered": ["messageId", "deliveryId", "channel", "template", "attempts"],
  "message.failed": ["messageId", "deliveryId", "channel", "template", "attempts", "error", "isChannelDisabled"],
  "public.update": ["messageId", "body", "approvedBy"],
  "update.reminder": ["minutesSinceUpdate", "msSinceUpdate", "lastUpdateAt", "intervalMinutes"],
  "role.assigned": ["role", "roleTitle", "person", "previous"],
  "deploy.judged": ["deployId", "release", "previousRelease", "verdict", "why", "policy"],
  "autopilot.scheduled": [
    "deployId",
    "emergencyId",
    "runbook",
    "release",
    "previousRelease",
    "why",
    "actAt",
    "vetoSeconds",
  ],
  "autopilot.vetoed": ["deployId", "emergencyId", "runbook", "release", "reason"],
  "autopilot.not_rolled_back": ["deployId", "emergencyId", "reason"],
  "autopilot.verified": ["deployId", "isRestored", "tookMs", "why"],
};

// Backout's own routes (a control used for the incident) are no location of the target's.
const isBackoutRoute = (v: unknown) => typeof v === "string" && /^\/(api|admin)\/[\w\-./{}%]*$/.test(v);

// What is public already (the status page shows it) is read as the public reads it.
const isVerbatim = (type: string, key: string, value: unknown) =>
  (key === "path" && isBackoutRoute(value)) || (type === "public.update" && key === "body");

function viewerData(type: string, data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of VIEWER_ENTRY_DATA[type as IncidentEntryType] ?? [])
    if (data[k] !== undefined) out[k] = isVerbatim(type, k, data[k]) ? data[k] : maskDeep(data[k]);
  return out;
}

type Entry = { type: string; data: unknown };

/** A timeline entry as `role` may read it. */
export function timelineEntryFor<E extends Entry>(role: Role, entry: E): E {
  if (hasRole(role, "engineer")) return entry;
  return { ...entry, data: viewerData(entry.type, (entry.data ?? {}) as Record<string, unknown>) };
}

/** What getIncident assembles: the incident's row, its timeline and runs, and what is worked out from them. */
type Incident = IncidentRow & {
  timeline: (Entry & { seq: number; actorLabel: string; at: Date })[];
  runs: Pick<
    RunRow,
    "id" | "runbook" | "status" | "isDryRun" | "params" | "createdAt" | "finishedAt" | "requestedBy" | "error"
  >[];
  checklist: Record<string, ItemState>;
  verification: Record<string, ProbeResult & { at: string | null }>;
  resolution: {
    by: string;
    at: string;
    summary: string | null;
    finalDecision: unknown;
    untickedAtResolve: unknown;
  } | null;
  assignments: Record<string, Assignment>;
  updateReminderMinutes: number;
};

/** An incident page's record (lib/incidents/get-incident.ts) as `role` may read it. */
export function incidentFor<I extends Incident>(role: Role, i: I): I | ViewerIncident {
  if (hasRole(role, "engineer")) return i;
  const text = maskNullable;
  return {
    id: i.id,
    title: i.title,
    symptoms: maskText(i.symptoms),
    severity: i.severity,
    status: i.status,
    target: i.target,
    components: i.components,
    detectedAt: i.detectedAt,
    declaredBy: i.declaredBy,
    createdAt: i.createdAt,
    rollbackCompletedAt: i.rollbackCompletedAt,
    resolvedAt: i.resolvedAt,
    publicTitle: i.publicTitle,
    isReleasePublic: i.isReleasePublic,
    isDrill: i.isDrill,
    isPublicHeld: i.isPublicHeld,
    isDrillWatched: i.isDrillWatched,
    drillRunbook: i.drillRunbook,
    lastSeq: i.lastSeq,
    timeline: i.timeline.map((e) => ({
      seq: e.seq,
      type: e.type,
      actorLabel: e.actorLabel,
      at: e.at,
      data: viewerData(e.type, (e.data ?? {}) as Record<string, unknown>),
    })),
    runs: i.runs.map((r) => ({
      id: r.id,
      runbook: r.runbook,
      status: r.status,
      isDryRun: r.isDryRun,
      params: maskDeep(r.params) as RunRow["params"],
      createdAt: r.createdAt,
      finishedAt: r.finishedAt,
      requestedBy: r.requestedBy,
      error: text(r.error),
    })),
    checklist: Object.fromEntries(
      Object.entries(i.checklist).map(([id, t]) => [
        id,
        { isTicked: t.isTicked, isOverride: t.isOverride, reason: text(t.reason), by: t.by, at: t.at },
      ]),
    ),
    verification: Object.fromEntries(
      Object.entries(i.verification).map(([id, v]) => [
        id,
        { verified: v.verified, value: maskDeep(v.value) as ProbeResult["value"], why: maskText(v.why), at: v.at },
      ]),
    ),
    resolution: i.resolution && {
      by: i.resolution.by,
      at: i.resolution.at,
      summary: text(i.resolution.summary),
      finalDecision: maskDeep(i.resolution.finalDecision),
      untickedAtResolve: maskDeep(i.resolution.untickedAtResolve),
    },
    assignments: i.assignments,
    updateReminderMinutes: i.updateReminderMinutes,
  };
}
export type ViewerIncident = Omit<Incident, "timeline"> & {
  timeline: { seq: number; type: string; actorLabel: string; at: Date; data: Record<string, unknown> }[];
};

/** A message as lib/messages/list.ts reads it: its deliveries, and their attempts without their own ids. */
type Message = MessageRow & {
  deliveries: (DeliveryRow & { attemptLog: Omit<AttemptRow, "id" | "deliveryId">[] })[];
};

/** An incident's messages as `role` may read them: a viewer reads their words, and every delivery's errors, masked (what was posted publicly, as the public reads it). */
export function messagesFor(role: Role, messages: Message[]): Message[] {
  if (hasRole(role, "engineer")) return messages;
  const text = maskNullable;
  return messages.map((m) => ({
    id: m.id,
    incidentId: m.incidentId,
    template: m.template,
    subject: text(m.subject),
    body: maskText(m.body),
    publicBody: m.publicBody,
    channels: m.channels,
    sentBy: m.sentBy,
    createdAt: m.createdAt,
    deliveries: m.deliveries.map((d) => ({
      id: d.id,
      messageId: d.messageId,
      channel: d.channel,
      status: d.status,
      attempts: d.attempts,
      lastStatusCode: d.lastStatusCode,
      lastError: text(d.lastError),
      nextAttemptAt: d.nextAttemptAt,
      deliveredAt: d.deliveredAt,
      createdAt: d.createdAt,
      attemptLog: d.attemptLog.map((a) => ({
        number: a.number,
        at: a.at,
        statusCode: a.statusCode,
        durationMs: a.durationMs,
        error: text(a.error),
        retryAfterMs: a.retryAfterMs,
      })),
    })),
  }));
}
