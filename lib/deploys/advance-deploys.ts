import "server-only";
import type { Redis } from "ioredis";
import type { Prisma } from "../../generated/prisma/client";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { log } from "../log";
import type { Target } from "../targets/schema";
import { listSamples, type SampleRecord } from "../metrics/store";
import type { Sample, SeverityLevel } from "../plan";
import { declareIncident } from "../incidents/declare-incident";
import { onRollbackVerified } from "../incidents/lifecycle";
import { publishTimeline } from "../incidents/timeline";
import { startRun } from "../runs/start-run";
import { ACTIVE_DEPLOY_STATUSES, announceDeploy } from "./announce-deploy";
import { judgeDeploy, MIN_AFTER_READINGS, type Judgement } from "./judge";
import { autopilotOf, waiverReason } from "./settings";
import { AUTOPILOT, link, onTimeline, reasonNotToAct, tellTeam } from "./autopilot";

// The watch, step by step (issue 16). The sampler calls advanceDeploys after each reading of a
// target, so a deploy is judged on every new reading. Every move is a conditional update of the
// deploy's row (from the status it was read in): with two samplers, one makes each move and the
// other sees it made. What a move does beyond its row (an incident, a run) is done by its winner.

/** After a rollback: how long health may take to come back before Backout says it did not. */
export const RESTORE_WITHIN_MS = 60_000;

type Deploy = NonNullable<Awaited<ReturnType<Db["deploy"]["findFirst"]>>>;
const asSample = (r: SampleRecord): Sample => ({ at: new Date(r.at), values: r.values });
const json = (v: unknown) => v as Prisma.InputJsonValue;

async function readings(db: Db, target: string, from: Date, until: Date | null): Promise<Sample[]> {
  const rows = await listSamples(db, target, { sinceMs: Date.now() - from.getTime() });
  return rows.map(asSample).filter((s) => s.at >= from && (!until || s.at < until));
}

/** The target's readings before the deploy began (its baseline): the target's baselineMinutes before `baselineUntil`. */
const baselineReadings = (db: Db, d: Deploy, target: Target) =>
  readings(
    db,
    d.target,
    new Date(d.baselineUntil.getTime() - target.autopilot.baselineMinutes * 60_000),
    d.baselineUntil,
  );

/** Moves `d` from `from` to what `data` says, if no one else has moved it first. */
async function move(db: Db, d: Deploy, from: Deploy["status"], data: Prisma.DeployUpdateManyMutationInput) {
  const { count } = await db.deploy.updateMany({ where: { id: d.id, status: from }, data });
  return count === 1;
}

const severityOf = (j: Judgement): SeverityLevel =>
  j.rows.some((r) => r.severity === "P0") ? "P0" : j.rows.some((r) => r.severity === "P1") ? "P1" : "P2";

/** How long a sampler's claim on deciding a deploy holds: past it (that sampler died), another decides. */
const CLAIM_MS = 30_000;

/**
 * The deploy failed its watch: say so, and under `propose` or `act` open an incident for it. The
 * decision is claimed first without changing what anyone reads (the deploy stays "watching"), so
 * that when it moves on, its incident is already there to veto it on.
 */
async function onFailed(db: Db, redis: Redis, target: Target, d: Deploy, j: Judgement, now: Date) {
  const { count } = await db.deploy.updateMany({
    where: {
      id: d.id,
      status: "watching",
      OR: [{ decidedAt: null }, { decidedAt: { lt: new Date(now.getTime() - CLAIM_MS) } }],
    },
    data: { decidedAt: now, verdict: json(j) },
  });
  if (!count) return;
  const notNow = d.policy === "act" && d.previousRelease ? await reasonNotToAct(target) : null;
  const isActing = d.policy === "act" && !!d.previousRelease && !notNow;
  const approved = d.policy === "off" || d.incidentId ? null : (await autopilotOf(db, target)).publicMessage;
  // A drill's deploy already has its incident (the drill's): the autopilot acts on that one.
  const incident = d.incidentId
    ? { id: d.incidentId }
    : d.policy === "off"
      ? null
      : await declareIncident({
          db,
          redis,
          actor: AUTOPILOT,
          // The status page says only what a commander approved in advance, or nothing.
          ...(approved
            ? { publicUpdate: { body: approved.text, approvedBy: approved.approvedBy } }
            : { isPublicHeld: true }),
          input: {
            title: `${d.release} failed its deploy watch on ${target.name}`,
            symptoms: j.why.join("\n"),
            severity: severityOf(j),
            target: target.name,
            detectedAt: now,
            components: ["app-code"],
          },
        }).catch((e: unknown) => {
          log.warn({ deploy: d.id, err: (e as Error).message }, "autopilot: declaring the incident failed");
          return null;
        });
  // The veto window starts now, with the incident in place.
  const decidedAt = new Date();
  const actAt = new Date(decidedAt.getTime() + target.autopilot.vetoSeconds * 1000);
  await db.deploy.update({
    where: { id: d.id },
    data: {
      status: isActing ? "pending_rollback" : "failed",
      decidedAt,
      incidentId: incident?.id ?? null,
      ...(isActing ? { actAt } : {}),
      ...(d.policy === "act" && !d.previousRelease
        ? { note: "no release to roll back to: the deploy named none and none comes before it" }
        : notNow
          ? { note: notNow }
          : {}),
    },
  });
  if (!incident) return;
  await onTimeline(db, redis, incident.id, "deploy.judged", {
    deployId: d.id,
    release: d.release,
    previousRelease: d.previousRelease,
    verdict: j.verdict,
    why: j.why,
    policy: d.policy,
  });
  const why = j.why.join("; ");
  if (isActing) {
    await onTimeline(db, redis, incident.id, "autopilot.scheduled", {
      deployId: d.id,
      release: d.release,
      previousRelease: d.previousRelease,
      actAt: actAt.toISOString(),
      vetoSeconds: target.autopilot.vetoSeconds,
    });
    await tellTeam(
      db,
      redis,
      incident.id,
      `Rolling back ${d.release} to ${d.previousRelease} in ${target.autopilot.vetoSeconds} s — veto`,
      `${d.release} failed its deploy watch on ${target.name} (${why}). Backout rolls it back to ${d.previousRelease} in ${target.autopilot.vetoSeconds} s unless someone vetoes: ${link(`/deploys/${d.id}`)}`,
    );
    return;
  }
  if (notNow) await onTimeline(db, redis, incident.id, "autopilot.not_rolled_back", { deployId: d.id, reason: notNow });
  await tellTeam(
    db,
    redis,
    incident.id,
    `${d.release} failed its deploy watch on ${target.name}`,
    `${d.release} failed its deploy watch on ${target.name} (${why}).` +
      (notNow ? ` ${notNow}.` : "") +
      (d.previousRelease
        ? ` Roll back to ${d.previousRelease} in one click: ${link(`/incidents/${incident.id}`)}`
        : ` No release to roll back to: ${link(`/incidents/${incident.id}`)}`),
  );
}

/** Checkpoint 1's waiver: the target's policy and who set it, or the "bad deploy" drill that asked for "act". */
async function waiverFor(db: Db, target: Target, d: Deploy): Promise<string> {
  const a = await autopilotOf(db, target);
  const what = `${d.release} failed its deploy watch`;
  return a.policy === "act"
    ? waiverReason(a, what)
    : `Waived by the "bad deploy" drill (autopilot "act" for the drill): ${what}`;
}

/** The veto window is over: roll back to the release before, unless something says not to. */
async function rollBack(db: Db, redis: Redis, target: Target, d: Deploy) {
  const notNow = await reasonNotToAct(target);
  if (notNow) {
    if (await move(db, d, "pending_rollback", { status: "failed", note: notNow })) {
      await onTimeline(db, redis, d.incidentId, "autopilot.not_rolled_back", { deployId: d.id, reason: notNow });
      await tellTeam(db, redis, d.incidentId, `Not rolling back ${d.release}`, `${notNow}.`);
    }
    return;
  }
  if (!(await move(db, d, "pending_rollback", { status: "rolling_back" }))) return;
  try {
    const started = await startRun({
      db,
      redis,
      actor: AUTOPILOT,
      input: {
        runbook: "app-code",
        target: target.name,
        params: { release: d.previousRelease! },
        ...(d.incidentId
          ? {
              incidentId: d.incidentId,
              checkpointOverride: {
                reason: await waiverFor(db, target, d),
              },
            }
          : {}),
      },
    });
    await db.deploy.update({ where: { id: d.id }, data: { rollbackRunId: started.id } });
  } catch (e) {
    // A run already active on the target, a release gone: people decide from here.
    const why = e instanceof AppError ? e.message : `could not start the rollback: ${(e as Error).message}`;
    await db.deploy.update({ where: { id: d.id }, data: { status: "failed", note: why } });
    await onTimeline(db, redis, d.incidentId, "autopilot.not_rolled_back", { deployId: d.id, reason: why });
    await tellTeam(db, redis, d.incidentId, `Not rolling back ${d.release}`, `${why}; left to people.`);
  }
}

/** The verification's outcome: on the incident's status (monitoring, or back to investigating) and in the team's channels. */
async function onVerified(
  db: Db,
  redis: Redis,
  d: Deploy,
  outcome: { isRestored: boolean; tookMs?: number; why: string[] },
) {
  await onTimeline(db, redis, d.incidentId, "autopilot.verified", { deployId: d.id, ...outcome });
  if (!d.incidentId) return;
  const incidentId = d.incidentId;
  const said = outcome.isRestored
    ? `health restored in ${Math.round((outcome.tookMs ?? 0) / 1000)} s, verified against the readings before ${d.release}`
    : `still unhealthy after rolling ${d.release} back to ${d.previousRelease}: ${outcome.why.join("; ")}`;
  const entries = await db.$transaction((tx) =>
    onRollbackVerified(tx, { incidentId, runId: d.rollbackRunId, isRestored: outcome.isRestored, reason: said }),
  );
  publishTimeline(redis, entries);
  await tellTeam(
    db,
    redis,
    incidentId,
    outcome.isRestored ? `${d.release} rolled back: health restored` : `${d.release} rolled back: still unhealthy`,
    outcome.isRestored
      ? `Backout rolled ${d.release} back to ${d.previousRelease}: ${said}. The incident is monitoring: ${link(`/incidents/${incidentId}`)}`
      : `Backout rolled ${d.release} back to ${d.previousRelease}, but the target is ${said}. The incident is back to investigating: ${link(`/incidents/${incidentId}`)}`,
  );
}

/** After the rollback: judged again against the same baseline; restored, or still unhealthy. */
async function verifyRollback(db: Db, redis: Redis, target: Target, d: Deploy, now: Date) {
  if (!d.rollbackRunId) return;
  const run = await db.run.findUnique({ where: { id: d.rollbackRunId }, select: { status: true, finishedAt: true } });
  if (!run || !run.finishedAt) return;
  const base = await baselineReadings(db, d, target);
  if (run.status !== "succeeded") {
    const why = `the rollback run ${run.status.replaceAll("_", " ")}`;
    if (await move(db, d, "rolling_back", { status: "still_unhealthy", note: why }))
      await onVerified(db, redis, d, { isRestored: false, why: [why] });
    return;
  }
  const after = await readings(db, d.target, run.finishedAt, null);
  const j = judgeDeploy({ before: base, after });
  const isLate = now.getTime() - run.finishedAt.getTime() > RESTORE_WITHIN_MS;
  // Back to the pre-deploy health: the judge passes it (or, with too short a baseline, no plan row fires).
  const isRestored =
    after.length >= MIN_AFTER_READINGS && (j.verdict === "pass" || (!j.isBaselineEnough && j.verdict === "pending"));
  // Not yet, and inside the minute it has: keep reading.
  if (!isRestored && !isLate) return;
  const tookMs = now.getTime() - d.watchFrom.getTime();
  if (
    !(await move(db, d, "rolling_back", {
      status: isRestored ? "restored" : "still_unhealthy",
      afterRollback: json(j),
      ...(isRestored ? { restoredAt: now } : {}),
    }))
  )
    return;
  await onVerified(db, redis, d, { isRestored, tookMs, why: j.why });
}

async function advanceOne(db: Db, redis: Redis, target: Target, d: Deploy, now: Date) {
  if (d.status === "watching") {
    const [before, after] = await Promise.all([
      baselineReadings(db, d, target),
      readings(db, d.target, d.watchFrom, null),
    ]);
    const j = judgeDeploy({ before, after });
    if (j.verdict === "fail") return onFailed(db, redis, target, d, j, now);
    // Not while another sampler's decision is claimed (decidedAt set): its verdict stands.
    const undecided = { id: d.id, status: "watching" as const, decidedAt: null };
    if (now >= d.watchUntil)
      return void (await db.deploy.updateMany({
        where: undecided,
        data: { status: j.verdict === "marginal" ? "marginal" : "passed", verdict: json(j), decidedAt: now },
      }));
    await db.deploy.updateMany({ where: undecided, data: { verdict: json(j) } });
    return;
  }
  if (d.status === "pending_rollback" && d.actAt && now >= d.actAt) return rollBack(db, redis, target, d);
  if (d.status === "rolling_back") return verifyRollback(db, redis, target, d, now);
}

/** Every deploy of `target` not yet over, one step on; how many there were (the sampler reads faster while any is). */
export async function advanceDeploys(opts: { db: Db; redis: Redis; target: Target; now?: Date }): Promise<number> {
  const deploys = await opts.db.deploy.findMany({
    where: { target: opts.target.name, status: { in: [...ACTIVE_DEPLOY_STATUSES] } },
  });
  for (const d of deploys)
    await advanceOne(opts.db, opts.redis, opts.target, d, opts.now ?? new Date()).catch((e: unknown) =>
      log.warn(
        { deploy: d.id, err: (e as Error).message },
        "deploy watch: a step failed; tried again on the next reading",
      ),
    );
  return deploys.length;
}

/**
 * A deploy run of Backout's own is a deploy too: once it succeeds it is watched like an announced
 * one, its baseline the readings before the run began. Each run once (deployRunId is unique); never
 * a drill's.
 */
export async function watchDeployRuns(db: Db, target: Target): Promise<void> {
  const runs = await db.run.findMany({
    where: {
      runbook: "deploy",
      target: target.name,
      status: "succeeded",
      isDryRun: false,
      finishedAt: { gte: new Date(Date.now() - 10 * 60_000) },
      // A drill breaks things on purpose: its deploys are the drill's to undo, not the autopilot's,
      // unless the drill is the "bad deploy" one, which asked for the autopilot.
      NOT: { incident: { isDrill: true, isDrillWatched: false } },
    },
    select: {
      id: true,
      params: true,
      requestedBy: true,
      startedAt: true,
      finishedAt: true,
      incident: { select: { id: true, isDrill: true } },
    },
  });
  if (!runs.length) return;
  const seen = new Set(
    (
      await db.deploy.findMany({ where: { deployRunId: { in: runs.map((r) => r.id) } }, select: { deployRunId: true } })
    ).map((d) => d.deployRunId),
  );
  for (const run of runs) {
    const { release, replaces } = run.params as { release?: unknown; replaces?: unknown };
    if (seen.has(run.id) || typeof release !== "string") continue;
    await announceDeploy({
      db,
      actor: { label: run.requestedBy },
      input: {
        target: target.name,
        release,
        // What the run replaced is what a rollback goes back to (not merely the tag before it).
        ...(typeof replaces === "string" && replaces !== release ? { previousRelease: replaces } : {}),
      },
      source: "backout",
      deployRunId: run.id,
      // The "bad deploy" drill: judged and rolled back under "act" on the drill's own incident.
      ...(run.incident?.isDrill ? { drill: { incidentId: run.incident.id } } : {}),
      now: run.finishedAt!,
      baselineUntil: run.startedAt ?? run.finishedAt!,
    }).catch((e: unknown) => {
      // Two samplers: the other announced it. A deploy already under watch: this one is not watched.
      if (!(e instanceof AppError) && !/Unique constraint/.test(String(e))) throw e;
    });
  }
}
