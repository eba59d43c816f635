import "server-only";
import type { Db } from "../db/client";
import { findRunbook } from "../runbooks";
import { formatClock, severityOf, type SeverityLevel } from "../plan";
import type { IncidentStatus } from "../plan/incident";
import { appendTimeline, type TimelineEntry } from "./timeline";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Who moved the status when a fact did, not a person. */
export const SYSTEM_ACTOR = "Backout";

/** Who rolls a failed deploy back under a target's autopilot policy (lib/deploys). */
export const AUTOPILOT_LABEL = "Backout autopilot";

type Locked = { status: IncidentStatus; severity: SeverityLevel; detectedAt: Date; rollbackCompletedAt: Date | null };

async function lockIncident(tx: Tx, incidentId: string): Promise<Locked | undefined> {
  const [row] = await tx.$queryRawUnsafe<
    { status: IncidentStatus; severity: SeverityLevel; detectedAt: Date; rollbackCompletedAt: Date | null }[]
  >(
    `SELECT status::text AS status, severity::text AS severity, "detectedAt", "rollbackCompletedAt" FROM incidents WHERE id = $1::uuid FOR UPDATE`,
    incidentId,
  );
  return row;
}

async function moveStatus(
  tx: Tx,
  incidentId: string,
  from: IncidentStatus,
  to: IncidentStatus,
  reason: string,
  data: Record<string, unknown> = {},
): Promise<TimelineEntry> {
  await tx.incident.update({ where: { id: incidentId }, data: { status: to } });
  return appendTimeline(tx, incidentId, "incident.status_changed", SYSTEM_ACTOR, {
    from,
    to,
    reason,
    isAutomatic: true,
    ...data,
  });
}

const isRollbackRunbook = (runbook: string) => findRunbook(runbook)?.isRollback !== false;

/**
 * plan §1/§9: a rollback run started for an open incident moves it to "rolling back" (from
 * investigating or monitoring). Runs that roll nothing back (a backup, a deploy) leave it alone.
 */
export async function onRunStarted(
  tx: Tx,
  opts: { incidentId: string; runId: string; runbook: string; title: string },
): Promise<TimelineEntry[]> {
  if (!isRollbackRunbook(opts.runbook)) return [];
  const incident = await lockIncident(tx, opts.incidentId);
  if (!incident || incident.status === "resolved") return [];
  // Rolling back again after an earlier rollback completed: the earlier one did not end it, so the
  // clock runs again until this one completes (and checkpoints 4 and 5 time from that).
  if (incident.rollbackCompletedAt)
    await tx.incident.update({ where: { id: opts.incidentId }, data: { rollbackCompletedAt: null } });
  if (incident.status === "rolling_back") return [];
  return [
    await moveStatus(tx, opts.incidentId, incident.status, "rolling_back", `${opts.title} started`, {
      runId: opts.runId,
      runbook: opts.runbook,
    }),
  ];
}

/**
 * A run of the incident ended: on its timeline, always. For a rollback: success stops the
 * severity clock (rollbackCompletedAt) and moves the incident to monitoring; failure, cancel or
 * "needs attention" moves a rolling-back incident back to investigating, unless another rollback
 * of the incident is still running. A resolved incident keeps its status.
 */
export async function onRunFinished(
  tx: Tx,
  opts: {
    incidentId: string;
    runId: string;
    runbook: string;
    status: "succeeded" | "failed" | "cancelled" | "needs_attention";
    error: string | null;
    actorLabel?: string;
  },
): Promise<TimelineEntry[]> {
  const entries = [
    await appendTimeline(tx, opts.incidentId, `run.${opts.status}`, opts.actorLabel ?? "worker", {
      runId: opts.runId,
      runbook: opts.runbook,
      error: opts.error,
    }),
  ];
  if (!isRollbackRunbook(opts.runbook)) return entries;
  const incident = await lockIncident(tx, opts.incidentId);
  if (!incident || incident.status === "resolved") return entries;
  const title = findRunbook(opts.runbook)?.title ?? opts.runbook;

  if (opts.status === "succeeded") {
    const completedAt = incident.rollbackCompletedAt ?? new Date();
    // plan §9: checkpoints 4 and 5 are timed from the rollback's completion; the clock stops there.
    if (!incident.rollbackCompletedAt)
      await tx.incident.update({ where: { id: opts.incidentId }, data: { rollbackCompletedAt: completedAt } });
    if (incident.status === "monitoring") return entries;
    // The autopilot's rollback of a failed deploy (app-code): monitoring only once health is verified
    // against the deploy's baseline (onRollbackVerified), not because the run's steps passed.
    if (incident.status === "rolling_back" && opts.runbook === "app-code" && (await isAutopilotRun(tx, opts.runId)))
      return entries;
    const tookMs = completedAt.getTime() - incident.detectedAt.getTime();
    const s = severityOf(incident.severity);
    const verdict = tookMs < s.timelineMinutes * 60_000 ? "met" : "missed";
    entries.push(
      await moveStatus(
        tx,
        opts.incidentId,
        incident.status,
        "monitoring",
        `${title} succeeded: rolled back in ${formatClock(tookMs)}, target ${s.timeline}: ${verdict}`,
        {
          runId: opts.runId,
          runbook: opts.runbook,
        },
      ),
    );
    return entries;
  }

  if (incident.status !== "rolling_back") return entries;
  const [other] = await tx.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id FROM runs WHERE "incidentId" = $1::uuid AND id <> $2::uuid AND NOT "isDryRun" AND status IN ('queued', 'running', 'waiting_approval') LIMIT 1`,
    opts.incidentId,
    opts.runId,
  );
  if (other) return entries;
  const how = opts.status === "needs_attention" ? "needs attention" : opts.status;
  entries.push(
    await moveStatus(tx, opts.incidentId, "rolling_back", "investigating", `${title} ${how}: back to investigating`, {
      runId: opts.runId,
      runbook: opts.runbook,
    }),
  );
  return entries;
}

async function isAutopilotRun(tx: Tx, runId: string): Promise<boolean> {
  const run = await tx.run.findUnique({ where: { id: runId }, select: { requestedBy: true } });
  return run?.requestedBy === AUTOPILOT_LABEL;
}

/**
 * Issue 16: the autopilot judged the target again after its rollback. Restored: the incident moves
 * to monitoring (timed as any rollback is); still unhealthy: back to investigating, for people.
 */
export async function onRollbackVerified(
  tx: Tx,
  opts: { incidentId: string; runId: string | null; isRestored: boolean; reason: string },
): Promise<TimelineEntry[]> {
  const incident = await lockIncident(tx, opts.incidentId);
  if (!incident || incident.status === "resolved") return [];
  if (opts.isRestored) {
    if (incident.status === "monitoring") return [];
    const completedAt = incident.rollbackCompletedAt ?? new Date();
    if (!incident.rollbackCompletedAt)
      await tx.incident.update({ where: { id: opts.incidentId }, data: { rollbackCompletedAt: completedAt } });
    const tookMs = completedAt.getTime() - incident.detectedAt.getTime();
    const s = severityOf(incident.severity);
    const verdict = tookMs < s.timelineMinutes * 60_000 ? "met" : "missed";
    return [
      await moveStatus(
        tx,
        opts.incidentId,
        incident.status,
        "monitoring",
        `${opts.reason}: rolled back in ${formatClock(tookMs)}, target ${s.timeline}: ${verdict}`,
        { runId: opts.runId, runbook: "app-code" },
      ),
    ];
  }
  if (incident.status !== "rolling_back") return [];
  return [
    await moveStatus(tx, opts.incidentId, "rolling_back", "investigating", `${opts.reason}: back to investigating`, {
      runId: opts.runId,
      runbook: "app-code",
    }),
  ];
}
