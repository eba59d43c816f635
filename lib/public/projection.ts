// The public status page's view of Backout, built field by field from what a stranger may see.
// Pure: the loader (load.ts) reads the record, this picks from it. Nothing is copied over
// wholesale and then redacted: a field not written here does not exist publicly. Text that reaches
// the public comes only from wording.ts, from a commander's posted update, or from fields a
// commander marked public (the public title, the release).
import type { SeverityLevel } from "../plan/severity";
import type { IncidentStatus } from "../plan/incident";
import type { MetricValues } from "../plan/metrics";
import { estimateRun, type StepForEstimate, type StepHistory } from "../runs/estimate";
import {
  automaticUpdateText,
  componentHealth,
  PUBLIC_HEALTH,
  PUBLIC_RUNBOOK_TITLES,
  PUBLIC_SEVERITY,
  PUBLIC_STATUS,
  publicStepTitle,
  UNNAMED_COMPONENT,
  type ComponentHealth,
  type Impact,
} from "./wording";

// ── What the loader hands in (internal) ──────────────────────────────────────────────────────────

export type InternalTimelineEntry = { seq: number; type: string; at: Date; data: Record<string, unknown> };

export type InternalIncident = {
  id: string;
  severity: SeverityLevel;
  status: IncidentStatus;
  target: string;
  publicTitle: string | null;
  isReleasePublic: boolean;
  detectedAt: Date;
  rollbackCompletedAt: Date | null;
  resolvedAt: Date | null;
  /** The entries the public story is told from (declared, status and severity moves, posted updates). */
  timeline: InternalTimelineEntry[];
  /** The rollback under way for the incident, if any, with what its steps took before. */
  activeRollback: {
    runbook: string;
    params: Record<string, unknown>;
    steps: StepForEstimate[];
    history: StepHistory;
  } | null;
};

export type InternalTarget = { name: string; publicName: string; publicDescription: string | null };
export type HealthDay = { day: string; samples: number; up: number; degraded: number };

export type ProjectionInput = {
  now: Date;
  pageName: string;
  targets: InternalTarget[];
  latestSamples: Record<string, { at: Date; values: Partial<MetricValues> } | undefined>;
  healthDays: Record<string, HealthDay[]>;
  incidents: InternalIncident[];
  /** A target without a reading for this long is "no recent data". */
  staleMs: number;
  /** How many days of history the uptime bar shows at most. */
  uptimeDays: number;
};

// ── What the public sees ─────────────────────────────────────────────────────────────────────────

export type PublicUpdate = {
  id: string;
  at: string;
  status: IncidentStatus;
  statusWords: string;
  body: string;
  isAutomatic: boolean;
};

export type PublicRollback = {
  title: string;
  step: string;
  percent: number;
  isWaitingForSignOff: boolean;
  etaMs: number | null;
  etaBasis: string;
  release: string | null;
};

export type PublicIncident = {
  id: string;
  title: string;
  impact: Impact;
  severityWords: string;
  status: IncidentStatus;
  statusWords: string;
  component: { id: string; name: string };
  startedAt: string;
  updatedAt: string;
  recoveredAt: string | null;
  resolvedAt: string | null;
  rollback: PublicRollback | null;
  updates: PublicUpdate[];
};

export type PublicUptimeDay = { date: string; health: ComponentHealth; upPercent: number | null };
export type PublicComponent = {
  id: string;
  name: string;
  description: string | null;
  health: ComponentHealth;
  healthWords: string;
  checkedAt: string | null;
  /** Up (not down) share of the readings over the days recorded; a cell per day of the last 90. */
  uptime: { percent: number | null; recordedDays: number; days: PublicUptimeDay[] };
};

export type PublicState = {
  page: { name: string };
  generatedAt: string;
  overall: { indicator: Impact; description: string };
  components: PublicComponent[];
  incidents: PublicIncident[];
  recentlyResolved: PublicIncident[];
};

/**
 * A stable id for a component, made from its public name (public already): nothing about the
 * configuration can be worked back from it.
 */
export function publicComponentId(publicName: string): string {
  // FNV-1a, twice with different seeds: short, stable, no crypto needed in a pure module.
  const fnv = (seed: number) => {
    let h = seed >>> 0;
    for (let i = 0; i < publicName.length; i++) {
      h ^= publicName.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(36).padStart(7, "0");
  };
  return `c${fnv(0x811c9dc5)}${fnv(0x1b873593)}`;
}

const IMPACT_ORDER: Impact[] = ["none", "minor", "major", "critical"];
const worse = (a: Impact, b: Impact): Impact => (IMPACT_ORDER.indexOf(a) >= IMPACT_ORDER.indexOf(b) ? a : b);
const OVERALL_WORDS: Record<Impact, string> = {
  none: "All Systems Operational",
  minor: "Minor Service Outage",
  major: "Partial System Outage",
  critical: "Major Service Outage",
};

/** The public updates of one incident, newest first: automatic ones from status moves, and posted ones. */
function updatesOf(incident: InternalIncident, component: string): PublicUpdate[] {
  const out: PublicUpdate[] = [];
  let status: IncidentStatus = "investigating";
  for (const e of [...incident.timeline].sort((a, b) => a.seq - b.seq)) {
    // Numbered among the public updates only: the timeline's own numbers would show how much happened between them.
    const push = (body: string, isAutomatic: boolean) =>
      out.push({
        id: `${incident.id}-u${out.length + 1}`,
        at: e.at.toISOString(),
        status,
        statusWords: PUBLIC_STATUS[status].words,
        body,
        isAutomatic,
      });
    switch (e.type) {
      case "incident.declared":
        push(automaticUpdateText("declared", component), true);
        break;
      case "incident.status_changed": {
        const to = e.data.to as IncidentStatus;
        if (!(to in PUBLIC_STATUS)) break;
        const wasRollingBack = e.data.from === "rolling_back";
        status = to;
        push(automaticUpdateText(to, component, { wasRollingBack }), true);
        break;
      }
      case "incident.reopened":
        status = "investigating";
        push(automaticUpdateText("reopened", component), true);
        break;
      case "incident.severity_changed":
        push(automaticUpdateText("severity", component), true);
        break;
      case "public.update":
        // A commander wrote this for the public and posted it: it is public by that act.
        if (typeof e.data.body === "string" && e.data.body.trim()) push(e.data.body.trim(), false);
        break;
    }
  }
  return out.reverse();
}

function rollbackOf(incident: InternalIncident, now: Date): PublicRollback | null {
  const run = incident.activeRollback;
  if (!run) return null;
  const estimate = estimateRun(run.steps, run.history, now);
  const step = estimate.current
    ? publicStepTitle(estimate.current.key, estimate.current.kind)
    : run.steps.every((s) => s.status === "pending")
      ? "Starting"
      : "Finishing";
  const release = incident.isReleasePublic && typeof run.params.release === "string" ? run.params.release : null;
  return {
    title: PUBLIC_RUNBOOK_TITLES[run.runbook] ?? "Rolling back",
    step,
    percent: estimate.percent,
    isWaitingForSignOff: estimate.isWaitingForPerson,
    etaMs: estimate.isWaitingForPerson ? null : estimate.remainingMs,
    etaBasis: estimate.isWaitingForPerson ? "waiting for a person to sign off; no estimate until then" : estimate.basis,
    release,
  };
}

function incidentOf(incident: InternalIncident, component: { id: string; name: string }, now: Date): PublicIncident {
  const s = PUBLIC_SEVERITY[incident.severity];
  const updates = updatesOf(incident, component.name);
  return {
    id: incident.id,
    title: incident.publicTitle?.trim() || s.defaultTitle,
    impact: s.impact,
    severityWords: s.words,
    status: incident.status,
    statusWords: PUBLIC_STATUS[incident.status].words,
    component,
    startedAt: incident.detectedAt.toISOString(),
    updatedAt: updates[0]?.at ?? incident.detectedAt.toISOString(),
    recoveredAt: incident.rollbackCompletedAt?.toISOString() ?? null,
    resolvedAt: incident.resolvedAt?.toISOString() ?? null,
    rollback: incident.status === "resolved" ? null : rollbackOf(incident, now),
    updates,
  };
}

function uptimeOf(days: HealthDay[], now: Date, maxDays: number): PublicComponent["uptime"] {
  const byDay = new Map(days.map((d) => [d.day, d]));
  if (!days.length) return { percent: null, recordedDays: 0, days: [] };
  const out: PublicUptimeDay[] = [];
  const today = now.toISOString().slice(0, 10);
  // The last maxDays days, a cell each; days before anything was recorded read "no data".
  const start = new Date(Date.parse(`${today}T00:00:00Z`) - (maxDays - 1) * 86_400_000);
  let recordedDays = 0;
  let samples = 0;
  let up = 0;
  for (let t = start.getTime(); t <= Date.parse(`${today}T00:00:00Z`); t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    const d = byDay.get(date);
    if (!d || d.samples === 0) {
      out.push({ date, health: "unknown", upPercent: null });
      continue;
    }
    recordedDays++;
    samples += d.samples;
    up += d.up;
    const upPercent = (100 * d.up) / d.samples;
    // Down for more than 5% of the day's readings (over an hour) reads as an outage; any downtime
    // or more than 5% degraded readings as degraded; a restart's few seconds do not paint a day red.
    const health: ComponentHealth =
      upPercent < 95 ? "down" : upPercent < 99.9 || d.degraded / d.samples > 0.05 ? "degraded" : "operational";
    out.push({ date, health, upPercent: Math.round(upPercent * 100) / 100 });
  }
  return { percent: samples ? Math.round((10_000 * up) / samples) / 100 : null, recordedDays, days: out };
}

export function projectPublicState(input: ProjectionInput): PublicState {
  const { now } = input;
  const components: PublicComponent[] = input.targets.map((t) => {
    const latest = input.latestSamples[t.name];
    const { health } = componentHealth(latest, now, input.staleMs);
    return {
      id: publicComponentId(t.publicName),
      name: t.publicName,
      description: t.publicDescription,
      health,
      healthWords: PUBLIC_HEALTH[health].words,
      checkedAt: latest ? latest.at.toISOString() : null,
      uptime: uptimeOf(input.healthDays[t.name] ?? [], now, input.uptimeDays),
    };
  });
  const componentOf = (target: string) => {
    // Not listed (no public name, unlisted, or since removed from the config): a neutral name.
    const name = input.targets.find((x) => x.name === target)?.publicName ?? UNNAMED_COMPONENT;
    return { id: publicComponentId(name), name };
  };
  const projected = input.incidents.map((i) => incidentOf(i, componentOf(i.target), now));
  const incidents = projected.filter((i) => i.status !== "resolved");
  const recentlyResolved = projected
    .filter((i) => i.status === "resolved")
    .sort((a, b) => (b.resolvedAt ?? "").localeCompare(a.resolvedAt ?? ""));

  let indicator: Impact = "none";
  for (const i of incidents) indicator = worse(indicator, i.impact);
  for (const c of components)
    indicator = worse(indicator, c.health === "down" ? "major" : c.health === "degraded" ? "minor" : "none");
  return {
    page: { name: input.pageName },
    generatedAt: now.toISOString(),
    overall: { indicator, description: OVERALL_WORDS[indicator] },
    components,
    incidents: incidents.sort((a, b) => b.startedAt.localeCompare(a.startedAt)),
    recentlyResolved,
  };
}
