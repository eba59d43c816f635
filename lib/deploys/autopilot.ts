import "server-only";
import type { Redis } from "ioredis";
import type { Db } from "../db/client";
import type { Actor } from "../auth/roles";
import { log } from "../log";
import { publicUrl } from "../env";
import type { Target } from "../targets/schema";
import { AUTOPILOT_LABEL } from "../incidents/lifecycle";
import { appendTimeline, publishTimeline } from "../incidents/timeline";
import { loadChannels } from "../channels/config";
import { sendMessage } from "../messages/send-message";
import { isInMaintenance } from "../target-ops/http";

// What every move of the autopilot shares (issue 16): who it acts as, how it says what it does (the
// incident's timeline, the team's channels) and when it must not act at all.

/** Who acts for a target's autopilot policy: on the timeline, the runs and the audit as "Backout autopilot". */
export const AUTOPILOT: Actor = {
  kind: "token",
  id: "autopilot",
  label: AUTOPILOT_LABEL,
  role: "commander",
  createdById: null,
};

/** An entry on the incident's timeline, as the autopilot, published to its live viewers. */
export async function onTimeline(
  db: Db,
  redis: Redis,
  incidentId: string | null,
  type: string,
  data: Record<string, unknown>,
) {
  if (!incidentId) return;
  const entry = await appendTimeline(db, incidentId, type, AUTOPILOT.label, data);
  publishTimeline(redis, [entry]);
}

/**
 * Says `body` in the team's own channels (channels.json, audience internal) as a plan §7 internal
 * message on the incident, so it is recorded and delivered like any other. Never fails the move.
 */
export async function tellTeam(db: Db, redis: Redis, incidentId: string | null, subject: string, body: string) {
  if (!incidentId) return;
  const channels = loadChannels()
    .filter((c) => c.audience === "internal")
    .map((c) => c.name);
  const disabled = new Set(
    (await db.channelState.findMany({ where: { name: { in: channels }, disabledAt: { not: null } } })).map(
      (c) => c.name,
    ),
  );
  const to = channels.filter((c) => !disabled.has(c));
  if (!to.length) return;
  await sendMessage({
    db,
    redis,
    actor: AUTOPILOT,
    incidentId,
    input: { template: "internal", subject, body, channels: to },
  }).catch((e: unknown) => log.warn({ incidentId, err: (e as Error).message }, "autopilot: telling the team failed"));
}

/** A console page's address, for the team's channels. */
export const link = (p: string) => `${publicUrl()}${p}`;

/**
 * Why the autopilot must not act on `target` now, if it must not: maintenance mode, as the target's
 * health endpoint says it. A target that does not answer is not taken to be in maintenance: "API
 * completely down" is the very row plan §11.1 rolls back for.
 */
export async function reasonNotToAct(target: Target): Promise<string | null> {
  if (await isInMaintenance(target))
    return `${target.name} is in maintenance mode: Backout does not roll back by itself during maintenance; left to people`;
  return null;
}

/** Deploy statuses that mean the release failed its watch here. */
const FAILED_WATCH = ["failed", "pending_rollback", "rolling_back", "restored", "still_unhealthy"] as const;

/**
 * The releases of `target` judged bad here: every one that failed a watch, a vetoed one too when
 * its verdict was fail. Never one the autopilot goes back to.
 */
export async function releasesJudgedBad(db: Db, target: string): Promise<Set<string>> {
  const rows = await db.deploy.findMany({
    where: { target, status: { in: [...FAILED_WATCH, "vetoed"] } },
    select: { release: true, status: true, verdict: true },
    orderBy: { createdAt: "desc" },
    take: 500,
  });
  return new Set(
    rows
      .filter((r) => r.status !== "vetoed" || (r.verdict as { verdict?: unknown } | null)?.verdict === "fail")
      .map((r) => r.release),
  );
}

/**
 * The run the autopilot started for a move since `since`, if it did: how a sampler taking a move
 * over after a crash (or losing a race to start it) finds the run instead of starting a second.
 */
export async function autopilotRunSince(
  db: Db,
  where: { runbook: string; target: string; incidentId: string | null; since: Date },
): Promise<string | null> {
  const run = await db.run.findFirst({
    where: {
      runbook: where.runbook,
      target: where.target,
      requestedBy: AUTOPILOT.label,
      // With none of its own, a run may still be on one: startRun puts it on the target's open incident.
      ...(where.incidentId ? { incidentId: where.incidentId } : {}),
      createdAt: { gte: where.since },
    },
    orderBy: { createdAt: "asc" },
    select: { id: true },
  });
  return run?.id ?? null;
}
