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
import { appendTimeline, publishTimeline, type TimelineEntry } from "../incidents/timeline";
import { getCheckedOut } from "../target-ops/facts";
import { startRun } from "../runs/start-run";
import { ACTIVE_DEPLOY_STATUSES, announceDeploy } from "./announce-deploy";
import { judgeDeploy, MIN_AFTER_READINGS, type Judgement } from "./judge";
import { autopilotOf, waiverReason, type AutopilotJson } from "./settings";
import {
  AUTOPILOT,
  autopilotRunSince,
  link,
  onTimeline,
  reasonNotToAct,
  releasesJudgedBad,
  tellTeam,
} from "./autopilot";

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

type TimelineWrite = [type: string, data: Record<string, unknown>];

/**
 * The deploy failed its watch: say so, and under `propose` or `act` open an incident for it. The
 * decision is claimed first without changing what anyone reads (the deploy stays "watching"), so
 * that when it moves on, its incident is already there to veto it on. A sampler that dies midway
 * leaves the claim to lapse: the next one finds the incident it declared (linked in the same
 * transaction), and the deploy's move and its timeline entries are one transaction.
 */
async function onFailed(db: Db, redis: Redis, target: Target, claimed: Deploy, j: Judgement, now: Date) {
  const { count } = await db.deploy.updateMany({
    where: {
      id: claimed.id,
      status: "watching",
      OR: [{ decidedAt: null }, { decidedAt: { lt: new Date(now.getTime() - CLAIM_MS) } }],
    },
    data: { decidedAt: now, verdict: json(j) },
  });
  if (!count) return;
  const d = await db.deploy.findUniqueOrThrow({ where: { id: claimed.id } });
  const isDrill = !!d.incidentId && (await isDrillIncident(db, d.incidentId));
  const bad = d.policy === "act" && d.previousRelease ? await releasesJudgedBad(db, target.name) : new Set<string>();
  const notNow =
    d.policy !== "act"
      ? null
      : !d.previousRelease
        ? "no release to roll back to: the deploy named none and none comes before it"
        : bad.has(d.previousRelease)
          ? `${d.previousRelease}, the release it replaced, failed its own watch here: not one to go back to; left to people`
          : await reasonNotToAct(target);
  const isActing = d.policy === "act" && !notNow;
  // The status page says only what a commander approved in advance for a rollback the autopilot
  // makes, or nothing (a proposal is people's to word).
  const approved = isActing && !d.incidentId ? (await autopilotOf(db, target)).publicMessage : null;
  const incident = d.incidentId
    ? { id: d.incidentId }
    : d.policy === "off"
      ? null
      : await declareIncident({
          db,
          redis,
          actor: AUTOPILOT,
          forDeploy: d.id,
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
  const writes: TimelineWrite[] = [
    [
      "deploy.judged",
      { release: d.release, previousRelease: d.previousRelease, verdict: j.verdict, why: j.why, policy: d.policy },
    ],
    ...(isActing
      ? [
          [
            "autopilot.scheduled",
            {
              release: d.release,
              previousRelease: d.previousRelease,
              actAt: actAt.toISOString(),
              vetoSeconds: target.autopilot.vetoSeconds,
            },
          ] as TimelineWrite,
        ]
      : notNow
        ? [["autopilot.not_rolled_back", { reason: notNow }] as TimelineWrite]
        : []),
  ];
  // Only from "watching": a person's veto (or a later deploy) since the claim stands.
  const entries = await db.$transaction(async (tx) => {
    const { count } = await tx.deploy.updateMany({
      where: { id: d.id, status: "watching" },
      data: {
        status: isActing ? "pending_rollback" : "failed",
        decidedAt,
        ...(isActing ? { actAt } : {}),
        ...(notNow ? { note: notNow } : {}),
      },
    });
    if (!count || !incident) return [];
    const written: TimelineEntry[] = [];
    for (const [type, data] of writes)
      written.push(await appendTimeline(tx, incident.id, type, AUTOPILOT.label, { deployId: d.id, ...data }));
    return written;
  });
  if (!entries.length || !incident) return;
  publishTimeline(redis, entries);
  const why = j.why.join("; ");
  if (isActing) {
    await tellTeam(
      db,
      redis,
      incident.id,
      `Rolling back ${d.release} to ${d.previousRelease} in ${target.autopilot.vetoSeconds} s — veto`,
      `${d.release} failed its deploy watch on ${target.name} (${why}). Backout rolls it back to ${d.previousRelease} in ${target.autopilot.vetoSeconds} s unless someone vetoes: ${link(`/deploys/${d.id}`)}`,
    );
    return;
  }
  if (isDrill) return;
  await tellTeam(
    db,
    redis,
    incident.id,
    `${d.release} failed its deploy watch on ${target.name}`,
    `${d.release} failed its deploy watch on ${target.name} (${why}).` +
      (notNow ? ` ${notNow}.` : "") +
      (d.previousRelease && !bad.has(d.previousRelease)
        ? ` Roll back to ${d.previousRelease} in one click: ${link(`/incidents/${incident.id}`)}`
        : ` No release known good to roll back to: ${link(`/incidents/${incident.id}`)}`),
  );
}

const isDrillIncident = async (db: Db, id: string) =>
  !!(await db.incident.findUnique({ where: { id }, select: { isDrill: true } }))?.isDrill;

/** Checkpoint 1's waiver: the target's policy and who set it, or the "bad deploy" drill that asked for "act". */
function waiverFor(a: AutopilotJson, d: Deploy, isDrill: boolean): string {
  const what = `${d.release} failed its deploy watch`;
  return isDrill ? `Waived by the "bad deploy" drill (autopilot "act" for the drill): ${what}` : waiverReason(a, what);
}

/**
 * Why the veto window's end must not roll `d` back after all, from the facts as they are now: the
 * policy changed, the incident was resolved, another release went live, the release to go back to
 * was judged bad, or the target is in maintenance mode.
 */
async function reasonNotToRollBack(
  db: Db,
  target: Target,
  d: Deploy,
  incident: { status: string; isDrill: boolean } | null,
  a: AutopilotJson,
): Promise<string | null> {
  if (!incident?.isDrill && a.policy !== "act")
    return `${target.name}'s autopilot policy is now "${a.policy}": Backout does not roll back by itself; left to people`;
  if (incident?.status === "resolved") return "the incident is resolved: not rolled back";
  const live = (await getCheckedOut(target)).release;
  if (live !== d.release)
    return `${target.name} runs ${live ?? "no release tag"} now, not ${d.release}: not rolled back`;
  if ((await releasesJudgedBad(db, target.name)).has(d.previousRelease!))
    return `${d.previousRelease} failed its own watch here: not a release to go back to; left to people`;
  return reasonNotToAct(target);
}

/** The veto window is over: roll back to the release before, unless something says not to. */
async function rollBack(db: Db, redis: Redis, target: Target, d: Deploy) {
  const incident = d.incidentId
    ? await db.incident.findUnique({ where: { id: d.incidentId }, select: { status: true, isDrill: true } })
    : null;
  const a = await autopilotOf(db, target);
  const notNow = await reasonNotToRollBack(db, target, d, incident, a);
  if (notNow) {
    if (await move(db, d, "pending_rollback", { status: "failed", note: notNow })) {
      await onTimeline(db, redis, d.incidentId, "autopilot.not_rolled_back", { deployId: d.id, reason: notNow });
      if (!incident?.isDrill) await tellTeam(db, redis, d.incidentId, `Not rolling back ${d.release}`, `${notNow}.`);
    }
    return;
  }
  if (!(await move(db, d, "pending_rollback", { status: "rolling_back" }))) return;
  await startRollbackRun(db, redis, target, d, waiverFor(a, d, !!incident?.isDrill));
}

/** The app-code rollback run, linked to the deploy; when it cannot start, the deploy is left to people. */
async function startRollbackRun(db: Db, redis: Redis, target: Target, d: Deploy, waiver: string) {
  try {
    const started = await startRun({
      db,
      redis,
      actor: AUTOPILOT,
      input: {
        runbook: "app-code",
        target: target.name,
        params: { release: d.previousRelease! },
        ...(d.incidentId ? { incidentId: d.incidentId, checkpointOverride: { reason: waiver } } : {}),
      },
    });
    await db.deploy.update({ where: { id: d.id }, data: { rollbackRunId: started.id } });
  } catch (e) {
    // Another sampler started it first (the target's one active run is its): link that one.
    const theirs = await autopilotRunSince(db, rollbackRunOf(target, d));
    if (theirs) {
      await db.deploy.updateMany({ where: { id: d.id, rollbackRunId: null }, data: { rollbackRunId: theirs } });
      return;
    }
    // A run already active on the target, a release gone: people decide from here.
    const why = e instanceof AppError ? e.message : `could not start the rollback: ${(e as Error).message}`;
    await db.deploy.update({ where: { id: d.id }, data: { status: "failed", note: why } });
    await onTimeline(db, redis, d.incidentId, "autopilot.not_rolled_back", { deployId: d.id, reason: why });
    await tellTeam(db, redis, d.incidentId, `Not rolling back ${d.release}`, `${why}; left to people`);
  }
}

/** Where the deploy's rollback run is, once started: the autopilot's app-code run on its incident since the window's end. */
const rollbackRunOf = (target: Target, d: Deploy) => ({
  runbook: "app-code",
  target: target.name,
  incidentId: d.incidentId,
  since: d.actAt ?? d.decidedAt ?? d.watchFrom,
});

/**
 * Rolling back with no run on record: the sampler that moved it died before it linked the run (or
 * before it started it). The run it started is found and linked; past the claim, with none, it is
 * started once (the claim is the deploy's actAt, moved on by whoever takes it over).
 */
async function resumeRollback(db: Db, redis: Redis, target: Target, d: Deploy, now: Date) {
  const where = rollbackRunOf(target, d);
  const run = await autopilotRunSince(db, where);
  if (run) {
    await db.deploy.updateMany({ where: { id: d.id, rollbackRunId: null }, data: { rollbackRunId: run } });
    return;
  }
  if (now.getTime() - where.since.getTime() < CLAIM_MS) return;
  const { count } = await db.deploy.updateMany({
    where: { id: d.id, status: "rolling_back", rollbackRunId: null, actAt: d.actAt },
    data: { actAt: now },
  });
  if (!count) return;
  const isDrill = !!d.incidentId && (await isDrillIncident(db, d.incidentId));
  await startRollbackRun(db, redis, target, d, waiverFor(await autopilotOf(db, target), d, isDrill));
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
  if (d.status === "rolling_back" && !d.rollbackRunId) return resumeRollback(db, redis, target, d, now);
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
    // The latest only: an earlier run's release is no longer the one live.
    orderBy: { finishedAt: "desc" },
    take: 1,
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
      // Two samplers: the other announced it.
      if (/Unique constraint/.test(String(e))) return;
      // A deploy of the target still being rolled back: this run is watched once that is over.
      if (e instanceof AppError)
        return log.warn({ run: run.id, err: e.message }, "deploy watch: the deploy run is not watched yet");
      throw e;
    });
  }
}
