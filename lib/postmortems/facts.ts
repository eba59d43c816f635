import "server-only";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import {
  checklists,
  findChecklistItem,
  severityOf,
  totalQueueLength,
  type MetricValues,
  type NumericMetricKey,
  type SeverityLevel,
} from "../plan";
import { findRunbook } from "../runbooks";
import { incidentEntryText } from "../incidents/entry-text";
import type { FinalDecision } from "../incidents/update-incident";

/**
 * What a post-mortem states as fact, read from the record every time (plan §8.1): nobody edits it,
 * so it cannot be edited away. The commander's words live beside it (lib/postmortems/store.ts).
 */

export type TimelineLine = {
  at: string;
  /** "incident": an entry of the incident's timeline (by its seq); "step": a run step starting or ending. */
  kind: "incident" | "step";
  seq?: number;
  type: string;
  text: string;
  by: string | null;
};

export type MetricWindow = {
  from: string;
  to: string;
  samples: number;
  values: Partial<Record<NumericMetricKey | "healthUpPercent", number>>;
};

export type PostmortemFacts = {
  incident: {
    id: string;
    title: string;
    severity: SeverityLevel;
    severityText: string;
    target: string;
    components: string[];
    impact: string;
    declaredBy: string;
    detectedAt: string;
    resolvedAt: string | null;
    rollbackCompletedAt: string | null;
  };
  /** Detected to resolved (or to now, while open). */
  durationMs: number;
  /** How long the rollback took against the severity's timeline (plan §1): null when none completed. */
  rollback: { tookMs: number; targetText: string; targetMinutes: number; isMet: boolean } | null;
  /** The template's four moments (plan §8.1 "Timeline"). */
  milestones: {
    detected: string;
    rollbackInitiated: string | null;
    rollbackCompleted: string | null;
    serviceVerified: string | null;
  };
  timeline: TimelineLine[];
  metrics: {
    before: MetricWindow | null;
    during: MetricWindow | null;
    after: MetricWindow | null;
    series: { at: string; errorRate: number | null; responseTimeP95Ms: number | null }[];
  };
  decision: (FinalDecision & { by: string; at: string; summary: string | null }) | null;
  checkpoints: {
    checklist: string;
    item: string;
    itemId: string;
    state: "ticked" | "overridden" | "unticked";
    by: string | null;
    at: string | null;
    reason: string | null;
  }[];
  communications: {
    at: string;
    template: string;
    subject: string | null;
    sentBy: string;
    channels: { name: string; status: string }[];
    isPublic: boolean;
  }[];
  runs: {
    id: string;
    runbook: string;
    title: string;
    status: string;
    requestedBy: string;
    startedAt: string | null;
    finishedAt: string | null;
  }[];
};

const isRollbackRunbook = (runbook: string) => findRunbook(runbook)?.isRollback !== false;
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const WINDOW_MS = 30 * 60_000;
const METRICS: NumericMetricKey[] = ["errorRate", "responseTimeP95Ms", "queueLength", "cacheHitRate", "dbQueryMs"];

function windowOf(samples: { at: Date; values: Partial<MetricValues> }[], from: Date, to: Date): MetricWindow | null {
  const inside = samples.filter((s) => s.at >= from && s.at < to);
  if (!inside.length) return null;
  const values: MetricWindow["values"] = {};
  for (const key of METRICS) {
    const xs = inside
      .map((s) =>
        key === "queueLength"
          ? s.values.queueLength
            ? totalQueueLength(s.values.queueLength)
            : undefined
          : (s.values[key] as number | undefined),
      )
      .filter((x): x is number => typeof x === "number" && Number.isFinite(x));
    if (xs.length) values[key] = Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;
  }
  const health = inside.filter((s) => typeof s.values.healthUp === "boolean");
  if (health.length)
    values.healthUpPercent = Math.round((health.filter((s) => s.values.healthUp).length / health.length) * 1000) / 10;
  return { from: from.toISOString(), to: to.toISOString(), samples: inside.length, values };
}

export async function gatherFacts(db: Db, incidentId: string, now = new Date()): Promise<PostmortemFacts> {
  const incident = await db.incident.findUnique({
    where: { id: incidentId },
    include: {
      timeline: { orderBy: { seq: "asc" } },
      runs: { orderBy: { createdAt: "asc" }, include: { steps: { orderBy: { index: "asc" } } } },
      messages: { orderBy: { createdAt: "asc" }, include: { deliveries: true } },
    },
  });
  if (!incident) throw new AppError("NOT_FOUND", `Incident ${incidentId} not found; GET /api/incidents lists them`);
  const severity = severityOf(incident.severity as SeverityLevel);
  const end = incident.resolvedAt ?? now;

  // The timeline: every entry of the incident's, and every step's start and end with who started the run and who decided its gate.
  const lines: TimelineLine[] = incident.timeline.map((e) => ({
    at: e.at.toISOString(),
    kind: "incident",
    seq: e.seq,
    type: e.type,
    text: incidentEntryText(e.type, e.data as Record<string, unknown>),
    by: e.actorLabel,
  }));
  for (const run of incident.runs) {
    if (run.isDryRun) continue;
    const title = findRunbook(run.runbook)?.title ?? run.runbook;
    for (const step of run.steps) {
      const name = `${title}, step ${step.index + 1} "${step.name}"`;
      if (step.startedAt)
        lines.push({
          at: step.startedAt.toISOString(),
          kind: "step",
          type: "step.started",
          text: `${name} started (run started by ${run.requestedBy})`,
          by: run.requestedBy,
        });
      if (step.finishedAt) {
        const decided = step.decidedBy
          ? ` (${step.status === "succeeded" ? "approved" : "rejected"} by ${step.decidedBy})`
          : "";
        lines.push({
          at: step.finishedAt.toISOString(),
          kind: "step",
          type: `step.${step.status}`,
          text: `${name} ${step.status}${decided}${step.error && step.status !== "succeeded" ? `: ${step.error}` : ""}`,
          by: step.decidedBy ?? run.requestedBy,
        });
      }
    }
  }
  // In time order. At the same millisecond: a step's end, then the incident's entries (in their own
  // order), then a step's start — as a run ends its step before it is recorded as done.
  const order = new Map(lines.map((l, i) => [l, i]));
  const rank = (l: TimelineLine) => (l.kind === "incident" ? 1 : l.type === "step.started" ? 2 : 0);
  lines.sort((a, b) => a.at.localeCompare(b.at) || rank(a) - rank(b) || order.get(a)! - order.get(b)!);

  const rollbackRuns = incident.runs.filter((r) => !r.isDryRun && isRollbackRunbook(r.runbook));
  const initiated =
    rollbackRuns.map((r) => r.startedAt ?? r.createdAt).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
  const completed = incident.rollbackCompletedAt;

  // Checkpoints and the post-rollback lists: each item's newest tick, with who and why.
  const ticks = await db.checklistTick.findMany({ where: { incidentId }, orderBy: { id: "asc" } });
  const newest = new Map<string, (typeof ticks)[number]>();
  for (const t of ticks) newest.set(t.itemId, t);
  const checkpoints: PostmortemFacts["checkpoints"] = [];
  for (const list of checklists)
    for (const item of list.items) {
      const t = newest.get(item.id);
      checkpoints.push({
        checklist: list.title,
        item: item.text,
        itemId: item.id,
        state: !t || !t.isTicked ? "unticked" : t.isOverride ? "overridden" : "ticked",
        by: t?.actorLabel ?? null,
        at: iso(t?.at),
        reason: t?.reason ?? null,
      });
    }
  // "Service verified": when the last of §6.1's immediate checks was ticked, if all were.
  const immediate = checklists.find((c) => c.id === "immediate-checks");
  const immediateTicks = immediate?.items.map((i) => newest.get(i.id)) ?? [];
  const serviceVerified =
    immediateTicks.length && immediateTicks.every((t) => t?.isTicked)
      ? immediateTicks.map((t) => t!.at).sort((a, b) => b.getTime() - a.getTime())[0]!
      : null;

  // Metrics: 30 minutes before the rollback began, while it ran, and 30 minutes after it ended.
  const samples = (
    await db.metricSample.findMany({
      where: {
        target: incident.target,
        at: { gte: new Date(incident.detectedAt.getTime() - WINDOW_MS), lte: new Date(end.getTime() + WINDOW_MS) },
      },
      orderBy: { at: "asc" },
      select: { at: true, values: true },
    })
  ).map((s) => ({ at: s.at, values: s.values as Partial<MetricValues> }));
  const start = initiated ?? incident.detectedAt;
  const metrics: PostmortemFacts["metrics"] = {
    before: windowOf(samples, new Date(start.getTime() - WINDOW_MS), start),
    during: completed && initiated ? windowOf(samples, initiated, completed) : null,
    after: completed ? windowOf(samples, completed, new Date(completed.getTime() + WINDOW_MS)) : null,
    series: samples.map((s) => ({
      at: s.at.toISOString(),
      errorRate: typeof s.values.errorRate === "number" ? s.values.errorRate : null,
      responseTimeP95Ms: typeof s.values.responseTimeP95Ms === "number" ? s.values.responseTimeP95Ms : null,
    })),
  };

  const resolved = incident.timeline.findLast(
    (e) => e.type === "incident.status_changed" && (e.data as { to?: string }).to === "resolved",
  );
  const resolution = resolved?.data as { summary?: string; finalDecision?: FinalDecision | null } | undefined;

  return {
    incident: {
      id: incident.id,
      title: incident.title,
      severity: incident.severity as SeverityLevel,
      severityText: severity.description,
      target: incident.target,
      components: incident.components,
      impact: incident.symptoms,
      declaredBy: incident.declaredBy,
      detectedAt: incident.detectedAt.toISOString(),
      resolvedAt: iso(incident.resolvedAt),
      rollbackCompletedAt: iso(completed),
    },
    durationMs: end.getTime() - incident.detectedAt.getTime(),
    rollback: completed
      ? {
          tookMs: completed.getTime() - incident.detectedAt.getTime(),
          targetText: severity.timeline,
          targetMinutes: severity.timelineMinutes,
          isMet: completed.getTime() - incident.detectedAt.getTime() < severity.timelineMinutes * 60_000,
        }
      : null,
    milestones: {
      detected: incident.detectedAt.toISOString(),
      rollbackInitiated: iso(initiated),
      rollbackCompleted: iso(completed),
      serviceVerified: iso(serviceVerified),
    },
    timeline: lines,
    metrics,
    decision:
      resolution?.finalDecision && resolved
        ? {
            ...resolution.finalDecision,
            by: resolved.actorLabel,
            at: resolved.at.toISOString(),
            summary: resolution.summary ?? null,
          }
        : null,
    checkpoints,
    communications: incident.messages.map((m) => ({
      at: m.createdAt.toISOString(),
      template: m.template,
      subject: m.subject,
      sentBy: m.sentBy,
      channels: m.deliveries
        .map((d) => ({ name: d.channel, status: d.status }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      isPublic: !!m.publicBody,
    })),
    runs: incident.runs
      .filter((r) => !r.isDryRun)
      .map((r) => ({
        id: r.id,
        runbook: r.runbook,
        title: findRunbook(r.runbook)?.title ?? r.runbook,
        status: r.status,
        requestedBy: r.requestedBy,
        startedAt: iso(r.startedAt),
        finishedAt: iso(r.finishedAt),
      })),
  };
}

/** Checkpoint items overridden, or left unticked though their list was due: proposed as action items. */
export function proposedActionItems(facts: PostmortemFacts): { title: string; source: string }[] {
  const out: { title: string; source: string }[] = [];
  for (const c of facts.checkpoints) {
    const item = findChecklistItem(c.itemId);
    if (!item || !c.checklist.startsWith("Checkpoint")) continue;
    if (c.state === "overridden")
      out.push({
        title: `Follow up "${c.item}" (${c.checklist}): overridden by ${c.by}${c.reason ? ` — ${c.reason}` : ""}`,
        source: `checkpoint:${c.itemId}`,
      });
  }
  // Failed steps of the incident's runs are what went wrong on the day.
  for (const l of facts.timeline)
    if (l.kind === "step" && (l.type === "step.failed" || l.type === "step.cancelled"))
      out.push({ title: `Look into: ${l.text}`, source: `step:${l.at}` });
  return out;
}
