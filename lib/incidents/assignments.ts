import "server-only";
import type { Redis } from "ioredis";
import type { Db } from "../db/client";
import type { Actor } from "../auth/roles";
import { AppError } from "../errors";
import { incidentRole } from "../plan";
import { appendTimeline, publishTimeline } from "./timeline";

export type Assignment = { person: string; by: string; at: string };

/**
 * plan §10 roles held in one incident (incident commander among them): each role.assigned entry
 * on the timeline, the newest per role winning; an empty person means nobody holds it now.
 */
export function assignmentsOf(
  timeline: { type: string; actorLabel: string; at: Date; data: unknown }[],
): Record<string, Assignment> {
  const out: Record<string, Assignment> = {};
  for (const e of timeline) {
    if (e.type !== "role.assigned") continue;
    const d = e.data as { role?: string; person?: string };
    if (!d.role) continue;
    if (d.person) out[d.role] = { person: d.person, by: e.actorLabel, at: e.at.toISOString() };
    else delete out[d.role];
  }
  return out;
}

export async function assignRole(opts: {
  db: Db;
  redis: Redis;
  actor: Actor;
  incidentId: string;
  role: string;
  person: string;
}) {
  const role = incidentRole(opts.role);
  if (!role)
    throw new AppError("BAD_REQUEST", `Unknown role "${opts.role}"`, {
      issues: [{ path: "role", message: "a role id from GET /api/contacts" }],
    });
  const entry = await opts.db.$transaction(async (tx) => {
    const [row] = await tx.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id FROM incidents WHERE id = $1::uuid FOR UPDATE`,
      opts.incidentId,
    );
    if (!row) throw new AppError("NOT_FOUND", `Incident ${opts.incidentId} not found`);
    const before = assignmentsOf(
      await tx.incidentEvent.findMany({
        where: { incidentId: opts.incidentId, type: "role.assigned" },
        orderBy: { seq: "asc" },
      }),
    );
    return appendTimeline(tx, opts.incidentId, "role.assigned", opts.actor.label, {
      role: role.id,
      roleTitle: role.role,
      person: opts.person,
      previous: before[role.id]?.person ?? null,
    });
  });
  publishTimeline(opts.redis, [entry]);
  return { role: role.id, person: opts.person || null };
}
