import {
  formatClock,
  formatDuration,
  formatMetric,
  metricInfo,
  postmortemStatusLabel,
  type NumericMetricKey,
  type PostmortemStatus,
} from "../plan";
import type { PostmortemFacts } from "./facts";

// The post-mortem as Markdown, in plan §8.1's template and order, with the record's facts filled in
// (GET /api/incidents/{id}/postmortem.md). Times are UTC, so the file reads the same anywhere.

export type Narrative = {
  status: PostmortemStatus;
  rootCause: string;
  detection: string;
  wentWell: string;
  wentWrong: string;
  preventive: string;
  history: { from: string; to: string; by: string; at: string }[];
};
export type ActionItemLine = {
  title: string;
  owner: string;
  dueDate: string | null;
  isDone: boolean;
  doneBy: string | null;
};

const hhmm = (iso: string) => iso.slice(11, 16);
const hhmmss = (iso: string) => iso.slice(11, 19);
const when = (iso: string) => `${iso.slice(0, 10)} ${hhmm(iso)} UTC`;
/** One line per line of what a person wrote, as list items; a placeholder while empty. */
const written = (text: string, empty = "_Not written yet._") => (text.trim() ? text.trim() : empty);
const bullets = (text: string) =>
  text.trim()
    ? text
        .trim()
        .split(/\n+/)
        .map((l) => (/^\s*[-*] /.test(l) ? l.trim() : `- ${l.trim()}`))
        .join("\n")
    : "- _Not written yet._";

function metricCell(key: NumericMetricKey | "healthUpPercent", v: number | undefined): string {
  if (v === undefined) return "—";
  if (key === "healthUpPercent") return `${v}% up`;
  return formatMetric(key, v);
}

export function postmortemMarkdown(f: PostmortemFacts, n: Narrative, items: ActionItemLine[]): string {
  const out: string[] = [];
  const i = f.incident;
  out.push(`# Rollback Post-Mortem: ${i.detectedAt.slice(0, 10)}`, "");
  out.push(
    `**${i.title}** · ${postmortemStatusLabel[n.status]}${n.history.length ? ` (${n.history.map((h) => `${h.to.replace("_", " ")} by ${h.by} at ${when(h.at)}`).join("; ")})` : ""}`,
    "",
  );

  out.push("## Incident Summary");
  out.push(`- Date/Time: ${when(i.detectedAt)} (detected)`);
  out.push(
    `- Duration: ${formatDuration(f.durationMs)}${i.resolvedAt ? ` (detected → resolved at ${when(i.resolvedAt)})` : " (still open)"}`,
  );
  out.push(`- Severity: ${i.severity} (${i.severityText})`);
  out.push(`- Impact: ${i.impact.trim() ? i.impact.trim().replace(/\s*\n\s*/g, " ") : "_not recorded_"}`);
  out.push(`- Target: ${i.target}${i.components.length ? `; components: ${i.components.join(", ")}` : ""}`);
  out.push(
    `- Rollback: ${f.rollback ? `took ${formatClock(f.rollback.tookMs)} from detection, against the ${i.severity} target of ${f.rollback.targetText}: **${f.rollback.isMet ? "met" : "missed"}**` : "none completed"}`,
    "",
  );

  out.push("## Root Cause", written(n.rootCause), "");
  out.push("## How It Was Detected", written(n.detection), "");

  out.push("## Timeline");
  const m = f.milestones;
  out.push(`- [${hhmm(m.detected)}] Issue detected`);
  out.push(
    m.rollbackInitiated
      ? `- [${hhmm(m.rollbackInitiated)}] Rollback initiated`
      : "- [--:--] Rollback initiated: _no rollback ran_",
  );
  out.push(
    m.rollbackCompleted
      ? `- [${hhmm(m.rollbackCompleted)}] Rollback completed`
      : "- [--:--] Rollback completed: _not completed_",
  );
  out.push(
    m.serviceVerified
      ? `- [${hhmm(m.serviceVerified)}] Service verified (plan §6.1 immediate checks all ticked)`
      : "- [--:--] Service verified: _§6.1 immediate checks not all ticked_",
  );
  out.push("", "### Everything recorded (UTC)");
  // Who, for what people did; the worker's own entries ("… succeeded") read without it.
  for (const l of f.timeline)
    out.push(`- [${hhmmss(l.at)}] ${l.kind === "incident" && l.by && l.by !== "worker" ? `${l.by} ` : ""}${l.text}`);
  out.push("");

  out.push("## Metrics (plan §6.4)");
  const windows = [f.metrics.before, f.metrics.during, f.metrics.after];
  if (windows.every((w) => !w)) out.push("_No samples were recorded around this incident._");
  else {
    out.push("| metric | 30 min before the rollback | during the rollback | 30 min after |", "|---|---|---|---|");
    const keys: (NumericMetricKey | "healthUpPercent")[] = [
      "healthUpPercent",
      "errorRate",
      "responseTimeP95Ms",
      "queueLength",
      "cacheHitRate",
      "dbQueryMs",
    ];
    for (const k of keys) {
      if (windows.every((w) => w?.values[k] === undefined)) continue;
      const label = k === "healthUpPercent" ? "health endpoint" : metricInfo[k].label;
      out.push(`| ${label} | ${windows.map((w) => metricCell(k, w?.values[k])).join(" | ")} |`);
    }
    out.push(`| samples | ${windows.map((w) => (w ? String(w.samples) : "0")).join(" | ")} |`);
  }
  out.push("");

  out.push("## Decision (plan §2)");
  if (f.decision) {
    out.push(
      `- Recorded when ${f.decision.by} resolved the incident (${when(f.decision.at)}): roll back **${f.decision.verdict.toUpperCase()}**${f.decision.severity ? ` (${f.decision.severity})` : ""}`,
    );
    for (const why of f.decision.why) out.push(`  - ${why}`);
    if (f.decision.flowchart.action) out.push(`- Flowchart: ${f.decision.flowchart.action}`);
    if (f.decision.summary) out.push(`- Resolution summary: ${f.decision.summary}`);
  } else out.push("_Not resolved yet: no decision recorded._");
  out.push("");

  out.push("## Checkpoints (plan §9)");
  const cps = f.checkpoints.filter((c) => c.checklist.startsWith("Checkpoint"));
  for (const c of cps)
    out.push(
      `- [${c.state === "unticked" ? " " : "x"}] ${c.checklist.replace(/:.*/, "")}: ${c.item}${c.state === "ticked" ? ` — ticked by ${c.by} at ${hhmm(c.at!)}` : c.state === "overridden" ? ` — **overridden** by ${c.by} at ${hhmm(c.at!)}${c.reason ? `: "${c.reason}"` : ""}` : ""}`,
    );
  out.push("");

  out.push("## Communications (plan §7)");
  if (!f.communications.length) out.push("_Nothing was sent._");
  for (const c of f.communications)
    out.push(
      `- [${hhmm(c.at)}] ${c.subject ?? c.template} — by ${c.sentBy}${c.channels.length ? `; ${c.channels.map((ch) => `${ch.name}: ${ch.status}`).join(", ")}` : ""}${c.isPublic ? "; posted to the status page" : ""}`,
    );
  out.push("");

  out.push("## What Went Well", bullets(n.wentWell), "");
  out.push("## What Went Wrong", bullets(n.wentWrong), "");
  out.push("## Action Items");
  if (!items.length) out.push("- [ ] _None yet._");
  for (const a of items)
    out.push(
      `- [${a.isDone ? "x" : " "}] ${a.title}${a.owner ? ` — owner: ${a.owner}` : ""}${a.dueDate ? `, due ${a.dueDate}` : ""}${a.isDone && a.doneBy ? ` (done by ${a.doneBy})` : ""}`,
    );
  out.push("");
  out.push("## Preventive Measures", bullets(n.preventive), "");

  out.push("## Continuous Improvement (plan §8.2)");
  for (const c of f.checkpoints.filter((c) => c.checklist === "Continuous Improvement"))
    out.push(
      `- [${c.state === "unticked" ? " " : "x"}] ${c.item}${c.by && c.state !== "unticked" ? ` — ${c.by}` : ""}`,
    );
  out.push("");
  return out.join("\n");
}
