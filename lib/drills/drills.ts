import "server-only";
import type { Redis } from "ioredis";
import type { Db } from "../db/client";
import type { Actor } from "../auth/roles";
import { AppError } from "../errors";
import { checklists, COMPONENTS, severityOf, type SeverityLevel } from "../plan";
import { findRunbook } from "../runbooks";
import { getTarget, loadTargets } from "../targets/load-targets";
import { declareIncident } from "../incidents/declare-incident";
import { startRun } from "../runs/start-run";
import { gatherFacts } from "../postmortems/facts";

/**
 * Drills (plan: "Tested: ❌ Not yet tested"): a practice incident on a target marked for rehearsal,
 * worked like a real one (clock, checkpoints, runs), kept apart from the real ones: never on the
 * public status page, never sent to a channel, not in baselines, never joined by runs started
 * elsewhere. It may break the target first (deploy its bad release). It ends with a report.
 */

export const DRILL_DUE_DAYS = 90;

/** Issue 16's goals for a bad deploy: a verdict within 15 s of its end, health verified within 60 s (veto window included). */
export const AUTOPILOT_GOALS = { verdictMs: 15_000, verifiedMs: 60_000 };

export function rehearsalTargets(): string[] {
  return loadTargets()
    .targets.filter((t) => t.rehearsal)
    .map((t) => t.name);
}

export async function startDrill(opts: {
  db: Db;
  redis: Redis;
  actor: Actor;
  input: { runbook: string; target?: string; severity?: SeverityLevel; breakFirst?: boolean; watch?: boolean };
}) {
  const { db, redis, actor, input } = opts;
  const target = getTarget(input.target);
  if (!target.rehearsal)
    throw new AppError(
      "BAD_REQUEST",
      `Target "${target.name}" is not marked for rehearsal; add "rehearsal": {} to it in targets.json (drills may run on: ${rehearsalTargets().join(", ") || "none yet"})`,
      {
        issues: [{ path: "target", message: "not marked for rehearsal" }],
      },
    );
  const runbook = findRunbook(input.runbook);
  if (!runbook || runbook.isRollback === false)
    throw new AppError(
      "BAD_REQUEST",
      `"${input.runbook}" is not a rollback runbook to rehearse; GET /api/runbooks lists them`,
      { issues: [{ path: "runbook", message: "a rollback runbook" }] },
    );
  if (input.breakFirst && !target.rehearsal.badRelease)
    throw new AppError(
      "BAD_REQUEST",
      `Target "${target.name}" names no bad release to break it with; set "rehearsal": { "badRelease": "<tag>" } in targets.json, or start without breaking it first`,
      {
        issues: [{ path: "breakFirst", message: "the target has no rehearsal.badRelease" }],
      },
    );
  const severity = input.severity ?? "P1";
  const incident = await declareIncident({
    db,
    redis,
    actor,
    drill: { runbook: runbook.id, isWatched: !!input.watch },
    input: {
      title: input.watch ? `Drill: a bad deploy, rolled back by the autopilot` : `Drill: ${runbook.title}`,
      symptoms: input.watch
        ? `Practice: ${target.rehearsal.badRelease} deployed on purpose, watched; the autopilot judges it and rolls it back after the veto window (plan §${runbook.planSection}).`
        : input.breakFirst
          ? `Practice: ${target.rehearsal.badRelease} deployed on purpose to rehearse plan §${runbook.planSection}.`
          : `Practice: rehearsing plan §${runbook.planSection}.`,
      severity,
      target: target.name,
      components: (COMPONENTS as readonly string[]).includes(runbook.id)
        ? [runbook.id as (typeof COMPONENTS)[number]]
        : [],
    },
  });
  let breakRunId: string | null = null;
  if (input.breakFirst) {
    const run = await startRun({
      db,
      redis,
      actor,
      input: {
        runbook: "deploy",
        target: target.name,
        params: { release: target.rehearsal.badRelease },
        incidentId: incident.id,
      },
    });
    breakRunId = run.id;
  }
  return { incidentId: incident.id, breakRunId };
}

/** What a drill showed: time per step and per checkpoint, the total against the severity's target, what was slow. */
export async function drillReport(db: Db, incidentId: string) {
  const incident = await db.incident.findUnique({
    where: { id: incidentId },
    select: { isDrill: true, drillRunbook: true, severity: true },
  });
  if (!incident) throw new AppError("NOT_FOUND", `Incident ${incidentId} not found; GET /api/incidents lists them`);
  if (!incident.isDrill)
    throw new AppError(
      "CONFLICT",
      "This incident is not a drill; a real incident has a post-mortem instead (GET /api/incidents/{id}/postmortem)",
    );
  const facts = await gatherFacts(db, incidentId);
  const runs = await db.run.findMany({
    where: { incidentId, isDryRun: false },
    orderBy: { createdAt: "asc" },
    include: { steps: { orderBy: { index: "asc" } } },
  });
  // How long each of these steps usually takes: the median of its last 20 successes on other runs
  // of the same runbook, read in one query for the whole drill.
  const usualRows = await db.$queryRawUnsafe<{ runbook: string; key: string; ms: number | null }[]>(
    `SELECT d.runbook, d.key,
       (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) FROM (
          SELECT extract(epoch FROM (s."finishedAt" - s."startedAt")) * 1000 AS ms FROM steps s JOIN runs r ON r.id = s."runId"
          WHERE r.runbook = d.runbook AND s.key = d.key AND s.status = 'succeeded' AND s."startedAt" IS NOT NULL AND s."finishedAt" IS NOT NULL
            AND (r."incidentId" IS DISTINCT FROM $1::uuid)
          ORDER BY s."finishedAt" DESC LIMIT 20) recent) AS ms
     FROM (SELECT DISTINCT r.runbook, s.key FROM steps s JOIN runs r ON r.id = s."runId" WHERE r."incidentId" = $1::uuid AND NOT r."isDryRun") d`,
    incidentId,
  );
  const usualOf = new Map(usualRows.map((u) => [`${u.runbook}\u0000${u.key}`, u.ms === null ? null : Number(u.ms)]));
  const steps = runs.flatMap((run) =>
    run.steps
      .filter((step) => step.startedAt && step.finishedAt)
      .map((step) => {
        const ms = step.finishedAt!.getTime() - step.startedAt!.getTime();
        const usual = usualOf.get(`${run.runbook}\u0000${step.key}`) ?? null;
        return {
          runbook: run.runbook,
          runbookTitle: findRunbook(run.runbook)?.title ?? run.runbook,
          step: step.name,
          status: step.status,
          ms,
          usualMs: usual,
          // Slow: half again its usual time, and at least two seconds more.
          isSlow: usual !== null && ms > usual * 1.5 && ms - usual > 2000,
        };
      }),
  );
  const start = new Date(facts.incident.detectedAt).getTime();
  const rolledBack = facts.incident.rollbackCompletedAt ? new Date(facts.incident.rollbackCompletedAt).getTime() : null;
  const checkpoints = checklists
    .filter((c) => c.id.startsWith("checkpoint-"))
    .map((c) => {
      const items = facts.checkpoints.filter((p) => c.items.some((i) => i.id === p.itemId));
      const done = items.filter((i) => i.state !== "unticked");
      const last = done.map((i) => new Date(i.at!).getTime()).sort((a, b) => b - a)[0];
      const from = c.id === "checkpoint-1" ? start : rolledBack;
      return {
        checkpoint: c.title,
        ticked: done.length,
        of: items.length,
        overridden: items.filter((i) => i.state === "overridden").length,
        completedAt: done.length === items.length && last ? new Date(last).toISOString() : null,
        ms: done.length === items.length && last && from !== null ? Math.max(0, last - from) : null,
      };
    });
  const s = severityOf(incident.severity as SeverityLevel);
  const watched = await db.deploy.findFirst({ where: { incidentId, deployRunId: { not: null } } });
  const rollback = watched?.rollbackRunId ? runs.find((r) => r.id === watched.rollbackRunId) : undefined;
  const since = (d: Date | null | undefined) => (watched && d ? d.getTime() - watched.watchFrom.getTime() : null);
  return {
    incidentId,
    runbook: incident.drillRunbook,
    severity: incident.severity,
    target: { text: s.timeline, minutes: s.timelineMinutes },
    total: facts.rollback ? { ms: facts.rollback.tookMs, isMet: facts.rollback.isMet } : null,
    steps,
    checkpoints,
    slow: steps.filter((x) => x.isSlow).sort((a, b) => b.ms - (b.usualMs ?? 0) - (a.ms - (a.usualMs ?? 0))),
    // The "bad deploy" drill: each stretch from the deploy's end, against issue 16's goals.
    autopilot: watched
      ? {
          deployId: watched.id,
          release: watched.release,
          status: watched.status,
          verdictMs: since(watched.decidedAt),
          vetoWindowMs:
            watched.actAt && watched.decidedAt ? watched.actAt.getTime() - watched.decidedAt.getTime() : null,
          rollbackMs:
            rollback?.startedAt && rollback.finishedAt
              ? rollback.finishedAt.getTime() - rollback.startedAt.getTime()
              : null,
          verifiedMs: since(watched.restoredAt),
          goals: { verdictMs: AUTOPILOT_GOALS.verdictMs, verifiedMs: AUTOPILOT_GOALS.verifiedMs },
        }
      : null,
  };
}

/** Each runbook's last drill on a target: when, how long the rollback took, against the target; or never. */
export async function drillHistory(db: Db, target: string, now = new Date()) {
  const rows = await db.$queryRawUnsafe<
    { runbook: string; at: Date; detectedAt: Date; rollbackCompletedAt: Date | null; severity: string }[]
  >(
    `SELECT DISTINCT ON ("drillRunbook") "drillRunbook" AS runbook, "resolvedAt" AS at, "detectedAt", "rollbackCompletedAt", severity::text
     FROM incidents WHERE "isDrill" AND target = $1 AND status = 'resolved' AND "drillRunbook" IS NOT NULL
     ORDER BY "drillRunbook", "resolvedAt" DESC`,
    target,
  );
  const byRunbook: Record<string, { at: string; tookMs: number | null; isMet: boolean | null; isDue: boolean }> = {};
  for (const r of rows) {
    const tookMs = r.rollbackCompletedAt ? r.rollbackCompletedAt.getTime() - r.detectedAt.getTime() : null;
    byRunbook[r.runbook] = {
      at: r.at.toISOString(),
      tookMs,
      isMet: tookMs === null ? null : tookMs < severityOf(r.severity as SeverityLevel).timelineMinutes * 60_000,
      isDue: now.getTime() - r.at.getTime() > DRILL_DUE_DAYS * 86_400_000,
    };
  }
  return byRunbook;
}
