import "server-only";
import type { Db } from "../db/client";
import { env } from "../env";
import { findRunbook } from "../runbooks";
import { loadTargets } from "../targets/load-targets";
import { publicTargetName } from "./wording";
import type { MetricValues } from "../plan/metrics";
import type { StepHistory } from "../runs/estimate";
import { stepHistory } from "../runs/step-history";
import {
  projectPublicState,
  type HealthDay,
  type InternalIncident,
  type ProjectionInput,
  type PublicIncident,
  type PublicState,
} from "./projection";

// The timeline entries the public story is told from; nothing else is read.
const PUBLIC_ENTRY_TYPES = [
  "incident.declared",
  "incident.status_changed",
  "incident.reopened",
  "incident.severity_changed",
  "public.update",
];
const RECENTLY_RESOLVED_DAYS = 7;
const UPTIME_DAYS = 90;

type IncidentRow = {
  id: string;
  severity: InternalIncident["severity"];
  status: InternalIncident["status"];
  target: string;
  publicTitle: string | null;
  isReleasePublic: boolean;
  detectedAt: Date;
  rollbackCompletedAt: Date | null;
  resolvedAt: Date | null;
};

async function internalIncidents(db: Db, rows: IncidentRow[]): Promise<InternalIncident[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [timeline, runs] = await Promise.all([
    db.incidentEvent.findMany({
      where: { incidentId: { in: ids }, type: { in: PUBLIC_ENTRY_TYPES } },
      orderBy: { seq: "asc" },
      select: { incidentId: true, seq: true, type: true, at: true, data: true },
    }),
    db.run.findMany({
      where: {
        incidentId: { in: rows.filter((r) => r.status !== "resolved").map((r) => r.id) },
        isDryRun: false,
        status: { in: ["queued", "running", "waiting_approval"] },
      },
      orderBy: { createdAt: "desc" },
      select: {
        incidentId: true,
        runbook: true,
        target: true,
        params: true,
        steps: { orderBy: { index: "asc" }, select: { key: true, kind: true, status: true, startedAt: true } },
      },
    }),
  ]);
  // The newest active rollback of each incident (a backup running beside it is not what the public waits for).
  const rollbackOf = new Map<string, (typeof runs)[number]>();
  for (const r of runs)
    if (r.incidentId && !rollbackOf.has(r.incidentId) && findRunbook(r.runbook)?.isRollback !== false)
      rollbackOf.set(r.incidentId, r);
  const histories = new Map<string, StepHistory>();
  for (const r of rollbackOf.values()) {
    const k = `${r.runbook}\u0000${r.target}`;
    if (!histories.has(k)) histories.set(k, await stepHistory(db, r.runbook, r.target));
  }
  return rows.map((row) => {
    const run = rollbackOf.get(row.id);
    return {
      ...row,
      timeline: timeline
        .filter((e) => e.incidentId === row.id)
        .map((e) => ({ seq: e.seq, type: e.type, at: e.at, data: (e.data ?? {}) as Record<string, unknown> })),
      activeRollback: run
        ? {
            runbook: run.runbook,
            params: (run.params ?? {}) as Record<string, unknown>,
            steps: run.steps,
            history: histories.get(`${run.runbook}\u0000${run.target}`)!,
          }
        : null,
    };
  });
}

const INCIDENT_SELECT = {
  id: true,
  severity: true,
  status: true,
  target: true,
  publicTitle: true,
  isReleasePublic: true,
  detectedAt: true,
  rollbackCompletedAt: true,
  resolvedAt: true,
} as const;

function baseInput(now: Date): Pick<ProjectionInput, "now" | "pageName" | "targets" | "staleMs" | "uptimeDays"> {
  // Listed: a target with a public name that is not marked unlisted. One without a public block is
  // never named (its incidents read "Service"): the configuration name is not for the public.
  const targets = loadTargets()
    .targets.filter((t) => t.public && t.public.isListed !== false)
    .map((t) => ({ name: t.name, publicName: publicTargetName(t), publicDescription: t.public?.description ?? null }));
  // Three missed sampler intervals, and never under 30 s: one slow reading is not "no data".
  return {
    now,
    pageName: env.STATUS_PAGE_NAME,
    targets,
    staleMs: Math.max(30_000, 3 * env.SAMPLE_INTERVAL_MS),
    uptimeDays: UPTIME_DAYS,
  };
}

/** Everything the public status page shows, read from the record and projected (a handful of queries). */
export async function loadPublicState(db: Db, now = new Date()): Promise<PublicState> {
  const base = baseInput(now);
  const since = new Date(now.getTime() - RECENTLY_RESOLVED_DAYS * 86_400_000);
  const [open, resolved, latest, days] = await Promise.all([
    // Every open incident, however many newer ones were resolved since.
    // Drills are practice: never on the public page; nor the autopilot's incidents a commander
    // approved no public words for (until one posts an update).
    db.incident.findMany({
      where: { status: { not: "resolved" }, isDrill: false, isPublicHeld: false },
      orderBy: { createdAt: "desc" },
      take: 200,
      select: INCIDENT_SELECT,
    }),
    db.incident.findMany({
      where: { status: "resolved", resolvedAt: { gte: since }, isDrill: false, isPublicHeld: false },
      orderBy: { resolvedAt: "desc" },
      take: 10,
      select: INCIDENT_SELECT,
    }),
    Promise.all(
      base.targets.map(async (t) => {
        const s = await db.metricSample.findFirst({
          where: { target: t.name },
          orderBy: { at: "desc" },
          select: { at: true, values: true },
        });
        return [t.name, s ? { at: s.at, values: s.values as Partial<MetricValues> } : undefined] as const;
      }),
    ),
    db.targetHealthDay.findMany({
      where: { day: { gte: new Date(now.getTime() - UPTIME_DAYS * 86_400_000) } },
      orderBy: { day: "asc" },
    }),
  ]);
  const healthDays: Record<string, HealthDay[]> = {};
  for (const d of days)
    (healthDays[d.target] ??= []).push({
      day: d.day.toISOString().slice(0, 10),
      samples: d.samples,
      up: d.up,
      degraded: d.degraded,
    });
  return projectPublicState({
    ...base,
    latestSamples: Object.fromEntries(latest),
    healthDays,
    incidents: await internalIncidents(db, [...open, ...resolved]),
  });
}

/** One incident for its shareable page, when it is no longer among the recent ones kept live. */
export async function loadPublicIncident(db: Db, id: string, now = new Date()): Promise<PublicIncident | null> {
  const row = await db.incident.findFirst({
    where: { id, isDrill: false, isPublicHeld: false },
    select: INCIDENT_SELECT,
  });
  if (!row) return null;
  const state = projectPublicState({
    ...baseInput(now),
    latestSamples: {},
    healthDays: {},
    incidents: await internalIncidents(db, [row]),
  });
  return state.incidents[0] ?? state.recentlyResolved[0] ?? null;
}
