import { findRunbook } from "../runbooks";
import { formatDuration } from "../plan/format";

// An incident timeline entry in plain words, for text that leaves the console (the post-mortem and
// its Markdown export). The console's own timeline (components/incidents/timeline.tsx) says the
// same with links and colour.

const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
const quote = (v: unknown) => (str(v) ? ` — "${str(v)}"` : "");

export function incidentEntryText(type: string, d: Record<string, unknown>): string {
  const runbook = findRunbook(str(d.runbook))?.title ?? (str(d.title) || str(d.runbook));
  switch (type) {
    case "incident.declared":
      return `declared the incident${d.severity ? ` as ${str(d.severity)}` : ""}`;
    case "incident.severity_changed":
      return `changed severity ${str(d.from)} → ${str(d.to)}${quote(d.reason)}`;
    case "incident.status_changed":
      return `${d.isAutomatic ? "moved the status" : "changed status"} ${str(d.from).replaceAll("_", " ")} → ${str(d.to).replaceAll("_", " ")}${d.isAutomatic ? `: ${str(d.reason)}` : quote(d.reason)}${d.summary ? ` (summary: "${str(d.summary)}")` : ""}`;
    case "incident.public_changed":
      return "changed what the status page shows";
    case "incident.reopened":
      return `reopened the incident${quote(d.reason)}`;
    case "checklist.ticked":
      return `ticked "${str(d.text)}"${d.isOverride ? " as an override" : ""}${quote(d.reason)}`;
    case "checklist.unticked":
      return `unticked "${str(d.text)}"`;
    case "checkpoint.overridden":
      return `overrode ${str(d.checkpoint).replace("checkpoint-", "Checkpoint ")} to start ${runbook}${quote(d.reason)}`;
    case "run.started":
      return `started ${runbook}${d.isOutsideIncident ? " (from outside the incident, on its target)" : ""}`;
    case "run.dry_run":
      return `dry-ran ${runbook}`;
    case "run.approved":
    case "run.rejected":
      return `${type === "run.approved" ? "approved" : "rejected"} "${str(d.step)}" of ${runbook}${quote(d.comment)}${d.isSolo ? " (alone: the target allows solo approval)" : ""}`;
    case "run.succeeded":
    case "run.failed":
    case "run.cancelled":
    case "run.needs_attention":
      return `${runbook} ${type === "run.needs_attention" ? "needs attention" : type.slice(4)}${d.error ? `: ${str(d.error)}` : ""}`;
    case "action.performed":
      return `used ${str(d.method)} ${str(d.path)}`;
    case "action.failed":
      return `tried ${str(d.method)} ${str(d.path)}, and it failed${d.error ? `: ${str(d.error)}` : ""}`;
    case "decision.fact_stated":
      return `stated "${str(d.fact)}" is ${d.value ? "true" : "false"}`;
    case "flowchart.answered":
      return `answered "${str(d.question)}": ${str(d.answer)}`;
    case "flowchart.quick_fix_started":
      return `started a quick fix${quote(d.note)}`;
    case "message.sent":
      return `${d.isHeldBack ? "wrote (held back: a drill)" : "sent"} "${str(d.subject) || str(d.template)}"${Array.isArray(d.channels) && d.channels.length ? ` ${d.isHeldBack ? "for" : "to"} ${d.channels.join(", ")}` : ""}`;
    case "message.delivered":
      return `delivered to ${str(d.channel)}`;
    case "message.failed":
      return `could not deliver to ${str(d.channel)}${d.error ? `: ${str(d.error)}` : ""}`;
    case "public.update":
      return "posted an update to the status page";
    case "update.reminder":
      return "an update is owed to stakeholders";
    case "deploy.judged":
      return `judged the deploy of ${str(d.release)}: ${str(d.verdict)}${Array.isArray(d.why) && d.why.length ? ` (${str(d.why[0])})` : ""}`;
    case "autopilot.scheduled":
      if (d.emergencyId)
        return `starts the EMERGENCY rollback in ${str(d.vetoSeconds)} s unless someone vetoes it${Array.isArray(d.why) && d.why.length ? ` (${str(d.why[0])})` : ""}`;
      return `is rolling back ${str(d.release)} to ${str(d.previousRelease)} in ${str(d.vetoSeconds)} s unless someone vetoes it`;
    case "autopilot.vetoed":
      if (d.emergencyId) return `vetoed the automatic emergency rollback${quote(d.reason)}`;
      return `vetoed the automatic rollback of ${str(d.release)}${quote(d.reason)}`;
    case "autopilot.not_rolled_back":
      return `did not roll back: ${str(d.reason)}`;
    case "autopilot.verified":
      return d.isRestored
        ? `verified health restored${typeof d.tookMs === "number" ? ` ${formatDuration(d.tookMs)} after the deploy ended` : ""}`
        : "found the target still unhealthy after the rollback";
    case "role.assigned":
      return `assigned ${str(d.role)} to ${str(d.name) || str(d.person) || "someone"}`;
    default:
      return type;
  }
}
