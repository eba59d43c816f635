import "server-only";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { checklistState } from "./checklist";
import { verifyChecklists } from "./verify";

export async function getIncident(opts: { db: Db; incidentId: string }) {
  const incident = await opts.db.incident.findUnique({
    where: { id: opts.incidentId },
    include: {
      timeline: { orderBy: { seq: "asc" } },
      runs: { orderBy: { createdAt: "desc" }, select: { id: true, runbook: true, status: true, isDryRun: true, params: true, createdAt: true, finishedAt: true, requestedBy: true, error: true } },
    },
  });
  if (!incident) throw new AppError("NOT_FOUND", `Incident ${opts.incidentId} not found; GET /api/incidents lists them`);
  const [checklist, verification] = await Promise.all([checklistState(opts.db, opts.incidentId), verifyChecklists({ db: opts.db, incident })]);
  return { ...incident, timeline: incident.timeline.map(({ id: _id, ...e }) => e), checklist, verification };
}

export async function listIncidents(opts: { db: Db; limit?: number }) {
  return opts.db.incident.findMany({ orderBy: { createdAt: "desc" }, take: opts.limit ?? 50, include: { _count: { select: { runs: true } } } });
}
