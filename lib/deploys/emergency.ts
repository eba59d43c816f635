import "server-only";
import type { Redis } from "ioredis";
import type { Prisma } from "../../generated/prisma/client";
import type { Db } from "../db/client";
import type { Actor } from "../auth/roles";
import { AppError } from "../errors";
import { log } from "../log";
import type { Target } from "../targets/schema";
import { incidentDecision } from "../incidents/decision";
import { getCheckedOut, listReleases } from "../target-ops/facts";
import { startRun } from "../runs/start-run";
import { appendTimeline, publishTimeline } from "../incidents/timeline";
import {
  AUTOPILOT,
  autopilotRunSince,
  link,
  onTimeline,
  reasonNotToAct,
  releasesJudgedBad,
  tellTeam,
} from "./autopilot";
import { autopilotOf, waiverReason } from "./settings";
import { ACTIVE_DEPLOY_STATUSES } from "./announce-deploy";
import { ACTIVE_STATUSES } from "../runs/lock";

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
 * The release to go back to, or why there is none: what the live release's latest deploy replaced,
 * then the releases before the live one, newest first; never the live one, and never one judged
 * bad here (a failed watch, or a vetoed one whose verdict was fail). The runbook's own default
 * (the tag before the live one) is never used: it may be the bad release itself.
 */
async function releaseBefore(db: Db, target: Target): Promise<{ release: string } | { none: string }> {
  const [{ release: live }, releases, bad] = await Promise.all([
    getCheckedOut(target),
    listReleases(target),
    releasesJudgedBad(db, target.name),
  ]);
  if (!live) return { none: `${target.name} runs no release tag: no release to go back to` };
  const replaced = await db.deploy.findFirst({
    where: { target: target.name, release: live, previousRelease: { not: null } },
    orderBy: { createdAt: "desc" },
    select: { previousRelease: true },
  });
  const older = releases.slice(0, Math.max(0, releases.indexOf(live))).reverse();
  const candidates = [...(replaced?.previousRelease ? [replaced.previousRelease] : []), ...older];
  const release = candidates.find((r) => r !== live && !bad.has(r));
  return release
    ? { release }
    : {
        none: `no release of ${target.name} before ${live} is known good (${[...bad].join(", ") || "none"} failed a watch)`,
      };
}

async function schedule(db: Db, redis: Redis, target: Target, incidentId: string, vetoSeconds: number) {
  // A run on the target (a deploy restarting it, a rollback) takes it down by design: not a reason.
  if (await db.run.count({ where: { target: target.name, status: { in: [...ACTIVE_STATUSES] } } })) return;
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

/** Why the window's end must not start it after all: the policy changed, the incident is no longer investigating, the row no longer holds, maintenance. */
async function reasonNotToStart(db: Db, target: Target, incidentId: string): Promise<string | null> {
  const a = await autopilotOf(db, target);
  if (a.policy !== "act")
    return `${target.name}'s autopilot policy is now "${a.policy}": Backout does not roll back by itself; left to people`;
  const incident = await db.incident.findUnique({ where: { id: incidentId }, select: { status: true } });
  if (incident?.status !== "investigating")
    return `the incident is ${incident ? incident.status.replaceAll("_", " ") : "gone"}: the emergency rollback is not started`;
  // The row that fired must still hold: a service back up after a restart is not rolled back.
  if (!(await immediateRows(db, incidentId)).length)
    return "plan §2 no longer says roll back immediately (the rows that fired hold no more): the emergency rollback is not started";
  return reasonNotToAct(target);
}

async function act(db: Db, redis: Redis, target: Target, e: { id: string; incidentId: string }) {
  const notNow = await reasonNotToStart(db, target, e.incidentId);
  const startedAt = new Date();
  const { count } = await db.autopilotEmergency.updateMany({
    where: { id: e.id, status: "pending" },
    // Started: actAt is now when it started, the claim a sampler taking over after a crash reads.
    data: notNow ? { status: "not_started", note: notNow } : { status: "started", actAt: startedAt },
  });
  if (!count) return;
  if (notNow) {
    await onTimeline(db, redis, e.incidentId, "autopilot.not_rolled_back", { emergencyId: e.id, reason: notNow });
    await tellTeam(db, redis, e.incidentId, `Not starting the emergency rollback of ${target.name}`, `${notNow}.`);
    return;
  }
  await startEmergencyRun(db, redis, target, { ...e, actAt: startedAt });
}

/** Where the emergency's run is, once started: the autopilot's emergency run on the incident since it started. */
const emergencyRunOf = (target: Target, e: { incidentId: string; actAt: Date }) => ({
  runbook: "emergency",
  target: target.name,
  incidentId: e.incidentId,
  since: e.actAt,
});

async function startEmergencyRun(
  db: Db,
  redis: Redis,
  target: Target,
  e: { id: string; incidentId: string; actAt: Date },
) {
  try {
    const to = await releaseBefore(db, target);
    if ("none" in to) throw new AppError("CONFLICT", to.none);
    const release = to.release;
    const run = await startRun({
      db,
      redis,
      actor: AUTOPILOT,
      input: {
        runbook: "emergency",
        target: target.name,
        params: { release },
        incidentId: e.incidentId,
        checkpointOverride: {
          reason: waiverReason(await autopilotOf(db, target), "plan §2 says roll back immediately"),
        },
      },
    });
    await db.autopilotEmergency.update({ where: { id: e.id }, data: { runId: run.id } });
  } catch (err) {
    // Another sampler started it first (the target's one active run is its): link that one.
    const theirs = await autopilotRunSince(db, emergencyRunOf(target, e));
    if (theirs) {
      await db.autopilotEmergency.updateMany({ where: { id: e.id, runId: null }, data: { runId: theirs } });
      return;
    }
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
  const due = await db.autopilotEmergency.findMany({
    where: { target: target.name, OR: [{ status: "pending" }, { status: "started", runId: null }] },
    select: { id: true, incidentId: true, actAt: true, status: true },
  });
  for (const e of due)
    if (e.status === "pending" && e.actAt <= new Date()) await act(db, redis, target, e);
    else if (e.status === "started") await resumeEmergency(db, redis, target, e);
  if (a.policy !== "act") return;
  const open = await db.incident.findMany({
    where: {
      target: target.name,
      status: "investigating",
      isDrill: false,
      emergency: null,
      // A failed deploy's own rollback is already coming: not a second one beside it. A person
      // vetoed the rollback of this incident's deploy: not one by another road either.
      deploys: { none: { status: { in: [...ACTIVE_DEPLOY_STATUSES, "vetoed"] } } },
    },
    select: { id: true },
  });
  for (const i of open)
    await schedule(db, redis, target, i.id, a.vetoSeconds).catch((err: unknown) =>
      log.warn({ incidentId: i.id, err: (err as Error).message }, "autopilot: the emergency check failed"),
    );
}

/** How long a sampler has to link the run it started before another takes the emergency over. */
const CLAIM_MS = 30_000;

/**
 * Started with no run on record: the sampler that started it died before it linked the run (or
 * before it started it). The run is found and linked; past the claim, with none, it is started once
 * (the claim is the emergency's actAt, moved on by whoever takes it over).
 */
async function resumeEmergency(
  db: Db,
  redis: Redis,
  target: Target,
  e: { id: string; incidentId: string; actAt: Date },
) {
  const run = await autopilotRunSince(db, emergencyRunOf(target, e));
  if (run) {
    await db.autopilotEmergency.updateMany({ where: { id: e.id, runId: null }, data: { runId: run } });
    return;
  }
  if (Date.now() - e.actAt.getTime() < CLAIM_MS) return;
  const { count } = await db.autopilotEmergency.updateMany({
    where: { id: e.id, status: "started", runId: null, actAt: e.actAt },
    data: { actAt: new Date() },
  });
  if (count) await startEmergencyRun(db, redis, target, e);
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
