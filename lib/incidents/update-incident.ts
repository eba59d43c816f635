import "server-only";
import type { Db } from "../db/client";
import type { Actor } from "../auth/roles";
import { AppError } from "../errors";
import type { UpdateIncidentInput } from "../schemas/incident";
import type { Redis } from "ioredis";
import { appendTimeline, publishTimeline, type TimelineEntry } from "./timeline";

/** Severity and status changes, each recorded on the timeline with who, when, from, to and why. */
export async function updateIncident(opts: { db: Db; redis: Redis; actor: Actor; incidentId: string; input: UpdateIncidentInput }) {
  const { db, actor, incidentId, input } = opts;
  const entries: TimelineEntry[] = [];
  const incident = await db.$transaction(async (tx) => {
    const [current] = await tx.$queryRawUnsafe<{ severity: string; status: string }[]>(
      `SELECT severity::text, status::text FROM incidents WHERE id = $1::uuid FOR UPDATE`, incidentId,
    );
    if (!current) throw new AppError("NOT_FOUND", `Incident ${incidentId} not found; GET /api/incidents lists them`);
    if (current.status === "resolved" && input.status !== undefined && input.status !== "resolved")
      entries.push(await appendTimeline(tx, incidentId, "incident.reopened", actor.label, { reason: input.reason ?? null }));
    if (input.severity && input.severity !== current.severity)
      entries.push(await appendTimeline(tx, incidentId, "incident.severity_changed", actor.label, { from: current.severity, to: input.severity, reason: input.reason ?? null }));
    if (input.status && input.status !== current.status)
      entries.push(await appendTimeline(tx, incidentId, "incident.status_changed", actor.label, { from: current.status, to: input.status, reason: input.reason ?? null }));
    return tx.incident.update({
      where: { id: incidentId },
      data: {
        ...(input.severity ? { severity: input.severity } : {}),
        ...(input.status ? { status: input.status, resolvedAt: input.status === "resolved" ? new Date() : null } : {}),
      },
    });
  });
  publishTimeline(opts.redis, entries);
  return incident;
}
