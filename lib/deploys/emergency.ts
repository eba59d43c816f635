import "server-only";
import type { Redis } from "ioredis";
import type { Prisma } from "../../generated/prisma/client";
import type { Db } from "../db/client";
import type { Actor } from "../auth/roles";
import { AppError } from "../errors";
import { log } from "../log";
import type { Target } from "../targets/schema";
import { incidentDecision } from "../incidents/decision";
import { getTargetFacts } from "../target-ops/facts";
import { startRun } from "../runs/start-run";
import { appendTimeline, publishTimeline } from "../incidents/timeline";
import { AUTOPILOT, link, onTimeline, reasonNotToAct, tellTeam } from "./autopilot";
import { autopilotOf, waiverReason } from "./settings";
import { ACTIVE_DEPLOY_STATUSES } from "./announce-deploy";

// plan §11.1 under autopilot "act" (issue 16): when an open incident's decision reaches one of the
// plan's "yes — immediately" rows (§1 P0: the service down, its database unreachable, data at risk),
// the emergency rollback starts once the veto window passes, unless someone vetoes it. Once per
// incident: the row is unique on the incident, and each move is a conditional update of it.

/** pending → started | vetoed | not_started (what stopped it is its note). */
export type EmergencyStatus = "pending" | "started" | "vetoed" | "not_started";

/** The rows of the plan's §2 matrix that say roll back now: P0 and "yes". */
async function immediateRows(db: Db, incidentId: string): Promise<string[]> {
  const { decision } = await incidentDecision({ db, incidentId });
  return decision.rows
    .filter((r) => r.matched && r.severity === "P0" && r.rollback === "yes")
    .map((r) => `${r.issue}: ${r.why}`);
}

/**
 * The release to go back to: what the live release's latest deploy replaced, unless that release
 * itself once failed a watch here (a rollback deployed as a release, say); else the emergency
 * runbook's own default (the release before the live one).
 */
async function releaseBefore(db: Db, target: Target): Promise<string | undefined> {
  const { currentRelease } = await getTargetFacts(target);
  if (!currentRelease) return undefined;
  const d = await db.deploy.findFirst({
    where: { target: target.name, release: currentRelease, previousRelease: { not: null } },
    orderBy: { createdAt: "desc" },
    select: { previousRelease: true },
  });
  if (!d?.previousRelease) return undefined;
  const failed = await db.deploy.count({
    where: {
      target: target.name,
      release: d.previousRelease,
      status: { in: ["failed", "pending_rollback", "rolling_back", "restored", "still_unhealthy"] },
    },
  });
  return failed ? undefined : d.previousRelease;
}

async function schedule(db: Db, redis: Redis, target: Target, incidentId: string, vetoSeconds: number) {
  const why = await immediateRows(db, incidentId);
  if (!why.length) return;
  const actAt = new Date(Date.now() + vetoSeconds * 1000);
  // Two samplers at once: the unique incident id lets one in.
  const { count } = await db.autopilotEmergency.createMany({
    data: [{ incidentId, target: target.name, why: why as Prisma.InputJsonValue, actAt }],
    skipDuplicates: true,
  });
  if (!count) return;
  const e = await db.autopilotEmergency.findUniqueOrThrow({ where: { incidentId } });
  await onTimeline(db, redis, incidentId, "autopilot.scheduled", {
    emergencyId: e.id,
    runbook: "emergency",
    why,
    actAt: actAt.toISOString(),
    vetoSeconds,
  });
  await tellTeam(
    db,
    redis,
    incidentId,
    `EMERGENCY rollback of ${target.name} in ${vetoSeconds} s — veto`,
    `${why.join("; ")}. Plan §2 says roll back immediately: Backout starts the §11.1 emergency rollback of ${target.name} in ${vetoSeconds} s unless someone vetoes it: ${link(`/incidents/${incidentId}`)}`,
  );
}

async function act(db: Db, redis: Redis, target: Target, e: { id: string; incidentId: string }) {
  const notNow = await reasonNotToAct(target);
  const { count } = await db.autopilotEmergency.updateMany({
    where: { id: e.id, status: "pending" },
    data: notNow ? { status: "not_started", note: notNow } : { status: "started" },
  });
  if (!count) return;
  if (notNow) {
    await onTimeline(db, redis, e.incidentId, "autopilot.not_rolled_back", { emergencyId: e.id, reason: notNow });
    await tellTeam(db, redis, e.incidentId, `Not starting the emergency rollback of ${target.name}`, `${notNow}.`);
    return;
  }
  try {
    const release = await releaseBefore(db, target);
    const run = await startRun({
      db,
      redis,
      actor: AUTOPILOT,
      input: {
        runbook: "emergency",
        target: target.name,
        params: release ? { release } : {},
        incidentId: e.incidentId,
        checkpointOverride: {
          reason: waiverReason(await autopilotOf(db, target), "plan §2 says roll back immediately"),
        },
      },
    });
    await db.autopilotEmergency.update({ where: { id: e.id }, data: { runId: run.id } });
  } catch (err) {
    // A run already active on the target, no release to go back to: people decide from here.
    const why = err instanceof AppError ? err.message : `could not start the rollback: ${(err as Error).message}`;
    await db.autopilotEmergency.update({ where: { id: e.id }, data: { status: "not_started", note: why } });
    await onTimeline(db, redis, e.incidentId, "autopilot.not_rolled_back", { emergencyId: e.id, reason: why });
    await tellTeam(
      db,
      redis,
      e.incidentId,
      `Not starting the emergency rollback of ${target.name}`,
      `${why}; left to people.`,
    );
  }
}

/**
 * One step on for every open incident of `target` under "act": schedule the emergency rollback when
 * the decision says roll back now, start it when the veto window has passed. Never on a drill.
 */
export async function advanceEmergencies(opts: { db: Db; redis: Redis; target: Target }): Promise<void> {
  const { db, redis, target } = opts;
  const a = await autopilotOf(db, target);
  const pending = await db.autopilotEmergency.findMany({
    where: { target: target.name, status: "pending" },
    select: { id: true, incidentId: true, actAt: true },
  });
  for (const e of pending) if (e.actAt <= new Date()) await act(db, redis, target, e);
  if (a.policy !== "act") return;
  const open = await db.incident.findMany({
    where: {
      target: target.name,
      status: "investigating",
      isDrill: false,
      emergency: null,
      // A failed deploy's own rollback is already coming: not a second one beside it.
      deploys: { none: { status: { in: [...ACTIVE_DEPLOY_STATUSES] } } },
    },
    select: { id: true },
  });
  for (const i of open)
    await schedule(db, redis, target, i.id, a.vetoSeconds).catch((err: unknown) =>
      log.warn({ incidentId: i.id, err: (err as Error).message }, "autopilot: the emergency check failed"),
    );
}

/** A person's veto of the emergency rollback while its window is open (engineer and above). */
export async function vetoEmergency(opts: { db: Db; redis: Redis; actor: Actor; incidentId: string; reason?: string }) {
  const { db } = opts;
  const { count } = await db.autopilotEmergency.updateMany({
    where: { incidentId: opts.incidentId, status: "pending" },
    data: { status: "vetoed", vetoedBy: opts.actor.label, vetoedAt: new Date(), note: opts.reason ?? null },
  });
  const e = await db.autopilotEmergency.findUnique({ where: { incidentId: opts.incidentId } });
  if (!count)
    throw new AppError(
      e ? "CONFLICT" : "NOT_FOUND",
      !e
        ? `No emergency rollback is scheduled for incident ${opts.incidentId}`
        : e.status === "started" && e.runId
          ? `Too late to veto: the emergency rollback has started (run ${e.runId}); cancel it with POST /api/runs/${e.runId}/cancel`
          : `Nothing to veto: the emergency rollback is ${e.status.replaceAll("_", " ")}`,
    );
  const entry = await appendTimeline(db, opts.incidentId, "autopilot.vetoed", opts.actor.label, {
    emergencyId: e!.id,
    runbook: "emergency",
    reason: opts.reason ?? null,
  });
  publishTimeline(opts.redis, [entry]);
  return { id: e!.id, status: e!.status, vetoedBy: e!.vetoedBy, vetoedAt: e!.vetoedAt?.toISOString() ?? null };
}
