import "server-only";
import type { Db } from "../db/client";
import type { Actor } from "../auth/roles";
import { AppError } from "../errors";
import type { UpdateIncidentInput } from "../schemas/incident";
import type { Redis } from "ioredis";
import { checklists, untickedPostRollbackItems } from "../plan";
import { appendTimeline, publishTimeline, type TimelineEntry } from "./timeline";
import { checklistState } from "./checklist";
import { incidentDecision } from "./decision";

/** What the decision said when the incident was resolved: kept on the timeline, shown instead of a live verdict. */
export type FinalDecision = {
  verdict: string;
  severity: string | null;
  why: string[];
  sampledAt: string | null;
  /** The flowchart's ending, if it was reached; else the question left open. */
  flowchart: { action: string | null; pending: string | null };
};

async function finalDecision(db: Db, incidentId: string): Promise<FinalDecision | null> {
  try {
    const d = await incidentDecision({ db, incidentId });
    return {
      verdict: d.decision.verdict,
      severity: d.decision.severity,
      why: d.decision.why,
      sampledAt: d.sampledAt,
      flowchart: {
        action: d.flowchart.walk.action?.action ?? null,
        pending: d.flowchart.walk.pending?.question ?? null,
      },
    };
  } catch {
    // A target since removed from targets.json: nothing to evaluate; the resolution stands.
    return null;
  }
}

/**
 * Severity and status changes, each recorded on the timeline with who, when, from, to and why.
 * Resolving takes a summary, asks for confirmation when post-rollback items are left unticked,
 * and records the final decision with it.
 */
export async function updateIncident(opts: {
  db: Db;
  redis: Redis;
  actor: Actor;
  incidentId: string;
  input: UpdateIncidentInput;
}) {
  const { db, actor, incidentId, input } = opts;
  const existing = await db.incident.findUnique({ where: { id: incidentId }, select: { status: true } });
  if (!existing) throw new AppError("NOT_FOUND", `Incident ${incidentId} not found; GET /api/incidents lists them`);
  const isResolving = input.status === "resolved" && existing.status !== "resolved";
  if (isResolving && !input.summary)
    throw new AppError(
      "BAD_REQUEST",
      'Resolving needs a short resolution summary: send {"status": "resolved", "summary": "…"}',
      {
        issues: [
          {
            path: "summary",
            message: 'required when resolving, e.g. "Rolled back to v1.0.0; error rate back under 1%"',
          },
        ],
      },
    );
  const decision = isResolving ? await finalDecision(db, incidentId) : null;

  const entries: TimelineEntry[] = [];
  const incident = await db.$transaction(async (tx) => {
    const [current] = await tx.$queryRawUnsafe<
      { severity: string; status: string; rollbackCompletedAt: Date | null }[]
    >(
      `SELECT severity::text, status::text, "rollbackCompletedAt" FROM incidents WHERE id = $1::uuid FOR UPDATE`,
      incidentId,
    );
    if (!current) throw new AppError("NOT_FOUND", `Incident ${incidentId} not found; GET /api/incidents lists them`);
    let resolution: Record<string, unknown> = {};
    if (input.status === "resolved" && current.status !== "resolved") {
      const ticks = Object.entries(await checklistState(tx, incidentId))
        .filter(([, t]) => t.isTicked)
        .map(([id]) => id);
      const unticked = untickedPostRollbackItems(checklists, ticks, current.rollbackCompletedAt, new Date());
      if (unticked.length && !input.confirmUnticked) {
        const count = unticked.reduce((n, c) => n + c.items.length, 0);
        throw new AppError(
          "CONFLICT",
          `${count} post-rollback item${count === 1 ? " is" : "s are"} not ticked (${unticked.map((c) => `${c.title}: ${c.items.map((i) => i.text).join("; ")}`).join(" · ")}). Tick them, or resolve anyway with "confirmUnticked": true.`,
          { details: { unticked } },
        );
      }
      resolution = { summary: input.summary, finalDecision: decision, untickedAtResolve: unticked };
    }
    if (current.status === "resolved" && input.status !== undefined && input.status !== "resolved")
      entries.push(
        await appendTimeline(tx, incidentId, "incident.reopened", actor.label, { reason: input.reason ?? null }),
      );
    if (input.severity && input.severity !== current.severity)
      entries.push(
        await appendTimeline(tx, incidentId, "incident.severity_changed", actor.label, {
          from: current.severity,
          to: input.severity,
          reason: input.reason ?? null,
        }),
      );
    if (input.status && input.status !== current.status)
      entries.push(
        await appendTimeline(tx, incidentId, "incident.status_changed", actor.label, {
          from: current.status,
          to: input.status,
          reason: input.reason ?? null,
          ...resolution,
        }),
      );
    // What a commander marks public is a decision like any other: on the timeline.
    if (input.publicTitle !== undefined || input.isReleasePublic !== undefined)
      entries.push(
        await appendTimeline(tx, incidentId, "incident.public_changed", actor.label, {
          ...(input.publicTitle !== undefined ? { publicTitle: input.publicTitle } : {}),
          ...(input.isReleasePublic !== undefined ? { isReleasePublic: input.isReleasePublic } : {}),
        }),
      );
    return tx.incident.update({
      where: { id: incidentId },
      data: {
        ...(input.severity ? { severity: input.severity } : {}),
        ...(input.publicTitle !== undefined ? { publicTitle: input.publicTitle } : {}),
        ...(input.isReleasePublic !== undefined ? { isReleasePublic: input.isReleasePublic } : {}),
        ...(input.status && input.status !== current.status
          ? { status: input.status, resolvedAt: input.status === "resolved" ? new Date() : null }
          : {}),
        // Reopened: what was rolled back did not end it; the clock runs again until a rollback completes.
        ...(current.status === "resolved" && input.status && input.status !== "resolved"
          ? { rollbackCompletedAt: null }
          : {}),
      },
    });
  });
  publishTimeline(opts.redis, entries);
  return incident;
}
