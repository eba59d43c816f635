// Every kind of incident timeline entry, as a value: the server writes them, every live view listens
// for them (an SSE event is named by its type, and a browser hears only the names it listens for).
// tests/unit/timeline-types.test.ts fails when code appends a type missing here.
export const INCIDENT_ENTRY_TYPES = [
  "incident.declared",
  "incident.severity_changed",
  "incident.status_changed",
  "incident.reopened",
  "incident.public_changed",
  "checklist.ticked",
  "checklist.unticked",
  "checkpoint.overridden",
  "run.started",
  "run.dry_run",
  "run.succeeded",
  "run.failed",
  "run.cancelled",
  "run.needs_attention",
  "run.approved",
  "run.rejected",
  // Controls used for the incident, and the commander's decision inputs (plan §2).
  "action.performed",
  "action.failed",
  "decision.fact_stated",
  "flowchart.answered",
  "flowchart.quick_fix_started",
  // plan §7 and §10: messages and their delivery, status-page posts, update reminders, roles.
  "message.sent",
  "message.delivered",
  "message.failed",
  "public.update",
  "update.reminder",
  "role.assigned",
  // Watch and act (issue 16): a deploy's verdict, and what the target's autopilot did about it.
  "deploy.judged",
  "autopilot.scheduled",
  "autopilot.vetoed",
  "autopilot.not_rolled_back",
  "autopilot.verified",
] as const;
export type IncidentEntryType = (typeof INCIDENT_ENTRY_TYPES)[number];
