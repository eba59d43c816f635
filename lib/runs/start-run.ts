import "server-only";
import { Prisma } from "../../generated/prisma/client";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { findRunbook } from "../runbooks";
import { resolveRunbook, unknownRunbook } from "../runbooks/resolve";
import { getTarget } from "../targets/load-targets";
import { getTargetFacts } from "../target-ops/facts";
import type { StartRunInput } from "../schemas/run";
import { appendEvents, publishEvents } from "./events";
import { enqueueRun } from "./run-job";
import { releaseTargetLock } from "./lock";
import { appendTimeline, publishTimeline, type TimelineEntry } from "../incidents/timeline";
import { checkpointOneMissing, enforceCheckpointOne } from "../incidents/checklist";
import { onRunFinished, onRunStarted, SYSTEM_ACTOR } from "../incidents/lifecycle";
import type { Redis } from "ioredis";
import { hasRole, principalsOf, type Actor } from "../auth/roles";

export type StartRunResult = { id: string; status: string; isDryRun: boolean; incidentId: string | null };

/** The newest open incident about a target, if any. */
export async function openIncidentOn(db: Db, target: string): Promise<string | undefined> {
  // A drill is only joined by runs started from it: real work on the target never lands on a practice incident.
  const incident = await db.incident.findFirst({
    where: { target, status: { not: "resolved" }, isDrill: false },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  return incident?.id;
}

function isUniqueViolation(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002";
}

/**
 * Records a run with its fully resolved steps and enqueues it. A dry run is recorded with every
 * step resolved but nothing executed. One active run per target: a second start gets CONFLICT.
 */
export async function startRun(opts: {
  db: Db;
  redis: Redis;
  input: StartRunInput;
  actor: Actor;
}): Promise<StartRunResult> {
  const { db, redis, input, actor } = opts;
  const runbook = findRunbook(input.runbook);
  if (!runbook) throw unknownRunbook(input.runbook);
  const needed = runbook.requiredRole ?? "engineer";
  if (!input.dryRun && !hasRole(actor.role, needed))
    throw new AppError(
      "FORBIDDEN",
      `"${runbook.title}" needs the ${needed} role; you are ${actor.role}. A dry run is open to you.`,
    );
  // A run for an incident acts on the incident's target; naming another one is a mistake worth stopping.
  let targetName = input.target;
  if (input.incidentId) {
    const incident = await db.incident.findUnique({
      where: { id: input.incidentId },
      select: { status: true, target: true },
    });
    if (!incident)
      throw new AppError("NOT_FOUND", `Incident ${input.incidentId} not found`, {
        issues: [{ path: "incidentId", message: "no such incident" }],
      });
    if (incident.status === "resolved")
      throw new AppError(
        "CONFLICT",
        `Incident ${input.incidentId} is resolved; reopen it (PATCH status) before running from it`,
      );
    if (input.target && input.target !== incident.target)
      throw new AppError(
        "BAD_REQUEST",
        `The incident is about target "${incident.target}", not "${input.target}"; leave target out or start the run without the incident`,
        {
          issues: [{ path: "target", message: `the incident's target is "${incident.target}"` }],
        },
      );
    targetName = incident.target;
  }
  const target = getTarget(targetName);
  const isDryRun = input.dryRun ?? false;
  // A run on a target while an incident is open on it is part of that incident's story, wherever
  // it was started from (the Runbooks page, a script): it lands on the incident's timeline too.
  // Dry runs execute nothing and stay off it.
  const incidentId = input.incidentId ?? (isDryRun ? undefined : await openIncidentOn(db, target.name));
  const isOutsideIncident = !input.incidentId && !!incidentId;
  const facts = await getTargetFacts(target, { pitr: runbook.readsPitr === true });
  const resolved = resolveRunbook(runbook, target, input.params ?? {}, facts);

  let runId: string;
  let events;
  const timeline: TimelineEntry[] = [];
  try {
    ({ runId, events } = await db.$transaction(async (tx) => {
      const run = await tx.run.create({
        data: {
          runbook: runbook.id,
          target: target.name,
          pool: target.runnerPool,
          params: resolved.params as Prisma.InputJsonValue,
          isDryRun,
          status: isDryRun ? "succeeded" : "queued",
          requestedBy: actor.label,
          requestedByIds: principalsOf(actor),
          incidentId: incidentId ?? null,
          finishedAt: isDryRun ? new Date() : null,
          steps: {
            create: resolved.steps.map((s, index) => ({
              index,
              key: s.key,
              name: s.name,
              kind: s.kind,
              spec: s as unknown as Prisma.InputJsonValue,
              isIdempotent: s.isIdempotent,
              status: isDryRun ? ("skipped" as const) : ("pending" as const),
            })),
          },
        },
        select: { id: true },
      });
      if (!isDryRun) await tx.targetLock.create({ data: { target: target.name, runId: run.id } });
      // Backups and deploys are not rollbacks; dry runs execute nothing: neither waits for Checkpoint 1.
      // A run started outside the incident is not held by its gate, but the timeline says what was missing.
      const isGated = !!incidentId && !isDryRun && runbook.isRollback !== false;
      if (isGated && !isOutsideIncident)
        timeline.push(
          ...(await enforceCheckpointOne(tx, {
            incidentId,
            actor,
            runbookTitle: runbook.title,
            override: input.checkpointOverride,
          })),
        );
      if (incidentId) {
        const missing = isGated && isOutsideIncident ? await checkpointOneMissing(tx, incidentId) : [];
        timeline.push(
          await appendTimeline(tx, incidentId, isDryRun ? "run.dry_run" : "run.started", actor.label, {
            runId: run.id,
            runbook: runbook.id,
            title: runbook.title,
            params: resolved.params,
            ...(isOutsideIncident ? { isOutsideIncident: true, checkpointOneMissing: missing } : {}),
          }),
        );
        if (!isDryRun)
          timeline.push(
            ...(await onRunStarted(tx, { incidentId, runId: run.id, runbook: runbook.id, title: runbook.title })),
          );
      }
      const evs = await appendEvents(tx, run.id, [
        {
          type: "run.created",
          data: {
            runbook: runbook.id,
            target: target.name,
            params: resolved.params,
            isDryRun,
            requestedBy: actor.label,
          },
        },
        ...(isDryRun
          ? [{ type: "run.succeeded" as const, data: { dryRun: true, message: "dry run: nothing was executed" } }]
          : []),
      ]);
      return { runId: run.id, events: evs };
    }));
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const active = await db.targetLock.findUnique({ where: { target: target.name }, include: { run: true } });
    throw new AppError(
      "CONFLICT",
      active
        ? `Target "${target.name}" already has an active run ${active.runId} (${active.run.runbook}, ${active.run.status}); wait for it or cancel it first`
        : `Target "${target.name}" already has an active run; try again`,
      { details: { activeRunId: active?.runId, activeRunbook: active?.run.runbook, activeStatus: active?.run.status } },
    );
  }
  void publishEvents(redis, events); // never hold a request for Redis: Postgres has the record
  publishTimeline(redis, timeline);
  if (isDryRun) return { id: runId, status: "succeeded", isDryRun, incidentId: incidentId ?? null };

  try {
    await enqueueRun(runId, target.runnerPool);
  } catch (e) {
    // Nothing may stay "queued" with the target locked when no worker will ever see it.
    const entries = await db.$transaction(async (tx) => {
      await tx.run.update({
        where: { id: runId },
        data: { status: "failed", error: `could not enqueue: ${(e as Error).message}`, finishedAt: new Date() },
      });
      await releaseTargetLock(tx, runId);
      await appendEvents(tx, runId, [
        {
          type: "run.failed",
          data: { error: "Redis unavailable: the run could not be queued. Check REDIS_URL and start again." },
        },
      ]);
      // The incident moved to "rolling back" with the start: it hears that the run never began.
      return incidentId
        ? onRunFinished(tx, {
            incidentId,
            runId,
            runbook: runbook.id,
            status: "failed",
            error: "Redis unavailable: the run could not be queued",
            actorLabel: SYSTEM_ACTOR,
          })
        : [];
    });
    publishTimeline(redis, entries);
    throw new AppError(
      "UNAVAILABLE",
      "Redis is unavailable, so the run could not be queued; it was marked failed. Check that Redis is running, then start again.",
    );
  }
  return { id: runId, status: "queued", isDryRun, incidentId: incidentId ?? null };
}
