import "server-only";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { checklistState } from "./checklist";
import { verifyChecklists } from "./verify";
import type { FinalDecision } from "./update-incident";
import { assignmentsOf } from "./assignments";
import { env } from "../env";
import type { Role } from "../auth/roles";
import { incidentFor } from "./view";

/** An incident's page record as `role` may read it (lib/incidents/view.ts). */
export async function getIncident(opts: { db: Db; incidentId: string; role: Role }) {
  const incident = await opts.db.incident.findUnique({
    where: { id: opts.incidentId },
    include: {
      timeline: { orderBy: { seq: "asc" } },
      runs: {
        orderBy: { createdAt: "desc" },
        select: {
          id: true,
          runbook: true,
          status: true,
          isDryRun: true,
          params: true,
          createdAt: true,
          finishedAt: true,
          requestedBy: true,
          error: true,
        },
      },
    },
  });
  if (!incident)
    throw new AppError("NOT_FOUND", `Incident ${opts.incidentId} not found; GET /api/incidents lists them`);
  const [checklist, verification] = await Promise.all([
    checklistState(opts.db, opts.incidentId),
    verifyChecklists({ db: opts.db, incident }),
  ]);
  const timeline = incident.timeline.map(({ id: _id, ...e }) => e);
  return incidentFor(opts.role, {
    ...incident,
    timeline,
    checklist,
    verification,
    resolution: incident.status === "resolved" ? resolutionOf(timeline) : null,
    assignments: assignmentsOf(timeline),
    updateReminderMinutes: env.UPDATE_REMINDER_MINUTES,
  });
}

/** How a resolved incident was resolved: its newest move to "resolved", with the summary and the decision at that moment. */
function resolutionOf(timeline: { type: string; actorLabel: string; at: Date; data: unknown }[]) {
  const e = timeline.findLast(
    (t) => t.type === "incident.status_changed" && (t.data as { to?: string }).to === "resolved",
  );
  if (!e) return null;
  const d = e.data as { summary?: string; finalDecision?: FinalDecision | null; untickedAtResolve?: unknown };
  return {
    by: e.actorLabel,
    at: e.at.toISOString(),
    summary: d.summary ?? null,
    finalDecision: d.finalDecision ?? null,
    untickedAtResolve: d.untickedAtResolve ?? [],
  };
}

export async function listIncidents(opts: { db: Db; limit?: number }) {
  return opts.db.incident.findMany({
    orderBy: { createdAt: "desc" },
    take: opts.limit ?? 50,
    include: { _count: { select: { runs: true } } },
  });
}
