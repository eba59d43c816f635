import "server-only";
import type { Db } from "../db/client";
import type { Actor } from "../auth/roles";
import type { DeclareIncidentInput } from "../schemas/incident";
import type { Redis } from "ioredis";
import { getTarget } from "../targets/load-targets";
import { appendTimeline, publishTimeline } from "./timeline";

export async function declareIncident(opts: { db: Db; redis: Redis; actor: Actor; input: DeclareIncidentInput }) {
  const { db, actor, input } = opts;
  const { incident, entry } = await db.$transaction(async (tx) => {
    const incident = await tx.incident.create({
      data: {
        title: input.title,
        symptoms: input.symptoms,
        severity: input.severity,
        components: input.components,
        detectedAt: input.detectedAt ?? new Date(),
        declaredBy: actor.label,
        target: getTarget(input.target).name,
      },
    });
    const entry = await appendTimeline(tx, incident.id, "incident.declared", actor.label, {
      title: input.title, severity: input.severity, target: incident.target, components: input.components, detectedAt: incident.detectedAt.toISOString(),
    });
    return { incident, entry };
  });
  publishTimeline(opts.redis, [entry]);
  return incident;
}
