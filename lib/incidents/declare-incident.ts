import "server-only";
import type { Db } from "../db/client";
import type { Actor } from "../auth/roles";
import type { DeclareIncidentInput } from "../schemas/incident";
import type { Redis } from "ioredis";
import { AppError } from "../errors";
import { loadTargets } from "../targets/load-targets";
import { appendTimeline, publishTimeline } from "./timeline";

export async function declareIncident(opts: {
  db: Db;
  redis: Redis;
  actor: Actor;
  input: DeclareIncidentInput;
  drill?: { runbook: string; isWatched?: boolean };
  /** Off the public status page until a commander posts a public update (the autopilot's, unapproved). */
  isPublicHeld?: boolean;
  /** Public words approved in advance, posted as the incident's first public update. */
  publicUpdate?: { body: string; approvedBy: string | null };
  /** The deploy that failed its watch (the autopilot's): linked to the incident in the same transaction. */
  forDeploy?: string;
}) {
  const { db, actor, input } = opts;
  const known = loadTargets();
  const target = input.target ?? known.defaultTarget;
  if (!known.targets.some((t) => t.name === target))
    throw new AppError(
      "BAD_REQUEST",
      `Unknown target "${target}"; use one of: ${known.targets.map((t) => t.name).join(", ")} (GET /api/targets)`,
      {
        issues: [{ path: "target", message: `one of: ${known.targets.map((t) => t.name).join(", ")}` }],
      },
    );
  const { incident, entries } = await db.$transaction(async (tx) => {
    const incident = await tx.incident.create({
      data: {
        title: input.title,
        symptoms: input.symptoms,
        severity: input.severity,
        components: input.components,
        detectedAt: input.detectedAt ?? new Date(),
        declaredBy: actor.label,
        target,
        publicTitle: input.publicTitle ?? null,
        ...(opts.drill
          ? { isDrill: true, drillRunbook: opts.drill.runbook, isDrillWatched: !!opts.drill.isWatched }
          : {}),
        ...(opts.isPublicHeld ? { isPublicHeld: true } : {}),
      },
    });
    const entry = await appendTimeline(tx, incident.id, "incident.declared", actor.label, {
      title: input.title,
      severity: input.severity,
      target: incident.target,
      components: input.components,
      detectedAt: incident.detectedAt.toISOString(),
      ...(opts.drill ? { isDrill: true, drillRunbook: opts.drill.runbook } : {}),
    });
    const entries = [entry];
    if (opts.forDeploy) await tx.deploy.update({ where: { id: opts.forDeploy }, data: { incidentId: incident.id } });
    if (opts.publicUpdate && !opts.drill)
      entries.push(
        await appendTimeline(tx, incident.id, "public.update", actor.label, {
          messageId: null,
          body: opts.publicUpdate.body,
          approvedBy: opts.publicUpdate.approvedBy,
        }),
      );
    return { incident, entries };
  });
  publishTimeline(opts.redis, entries);
  return incident;
}
