import "server-only";
import type { Db } from "../db/client";
import { hasRole, type Actor } from "../auth/roles";
import { AppError } from "../errors";
import { checklistProgress, checklistSchedule, checklists, checkpoints } from "../plan";
import type { Redis } from "ioredis";
import { appendTimeline, publishTimeline, type TimelineEntry } from "./timeline";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export type ItemState = { isTicked: boolean; isOverride: boolean; reason: string | null; by: string; at: string };

function checklistOf(itemId: string) {
  return checklists.find((c) => c.items.some((i) => i.id === itemId));
}

/** The current state of every item ticked or unticked on an incident (its newest row). */
export async function checklistState(
  db: Pick<Db, "$queryRawUnsafe">,
  incidentId: string,
): Promise<Record<string, ItemState>> {
  const rows = await db.$queryRawUnsafe<
    { itemId: string; isTicked: boolean; isOverride: boolean; reason: string | null; actorLabel: string; at: Date }[]
  >(
    `SELECT DISTINCT ON ("itemId") "itemId", "isTicked", "isOverride", reason, "actorLabel", at
     FROM checklist_ticks WHERE "incidentId" = $1::uuid ORDER BY "itemId", id DESC`,
    incidentId,
  );
  return Object.fromEntries(
    rows.map((r) => [
      r.itemId,
      {
        isTicked: r.isTicked,
        isOverride: r.isOverride,
        reason: r.reason,
        by: r.actorLabel,
        at: new Date(r.at).toISOString(),
      },
    ]),
  );
}

const tickedIds = (state: Record<string, ItemState>) =>
  Object.entries(state)
    .filter(([, s]) => s.isTicked)
    .map(([id]) => id);

/** A person ticks (or unticks) one item of the plan's checklists; it lands on the timeline. */
export async function tickItem(opts: {
  db: Db;
  redis: Redis;
  actor: Actor;
  incidentId: string;
  itemId: string;
  isTicked: boolean;
  isOverride?: boolean;
  reason?: string;
}) {
  const checklist = checklistOf(opts.itemId);
  const item = checklist?.items.find((i) => i.id === opts.itemId);
  if (!checklist || !item)
    throw new AppError("NOT_FOUND", `Unknown checklist item "${opts.itemId}"`, {
      issues: [{ path: "itemId", message: "an item id from the plan's checklists (GET /api/checklists)" }],
    });
  if (opts.isOverride && !opts.reason?.trim())
    throw new AppError("BAD_REQUEST", "An override needs a written reason", {
      issues: [{ path: "reason", message: "say why the measured value is overridden" }],
    });
  const result = await opts.db.$transaction(async (tx) => {
    const [incident] = await tx.$queryRawUnsafe<{ status: string; rollbackCompletedAt: Date | null }[]>(
      `SELECT status::text, "rollbackCompletedAt" FROM incidents WHERE id = $1::uuid FOR UPDATE`,
      opts.incidentId,
    );
    if (!incident) throw new AppError("NOT_FOUND", `Incident ${opts.incidentId} not found`);
    // plan §9: "Checkpoint 4: 30 Minutes After Rollback", "Checkpoint 5: 24 Hours After" open on schedule.
    if (checklist.opensAfterMs && opts.isTicked) {
      const { isOpen, opensAt } = checklistSchedule(checklist, incident.rollbackCompletedAt, new Date());
      if (!isOpen)
        throw new AppError(
          "CONFLICT",
          opensAt
            ? `${checklist.title} opens at ${opensAt.toISOString()} (${Math.ceil((opensAt.getTime() - Date.now()) / 60_000)} min from now)`
            : `${checklist.title} opens ${Math.round(checklist.opensAfterMs / 60_000)} min after the rollback completes; no rollback has completed yet`,
          { details: { opensAt: opensAt?.toISOString() ?? null } },
        );
    }
    await tx.checklistTick.create({
      data: {
        incidentId: opts.incidentId,
        checklistId: checklist.id,
        itemId: item.id,
        isTicked: opts.isTicked,
        isOverride: opts.isOverride ?? false,
        reason: opts.reason ?? null,
        actorLabel: opts.actor.label,
      },
    });
    const entry = await appendTimeline(
      tx,
      opts.incidentId,
      opts.isTicked ? "checklist.ticked" : "checklist.unticked",
      opts.actor.label,
      {
        checklist: checklist.title,
        itemId: item.id,
        text: item.text,
        isOverride: opts.isOverride ?? false,
        reason: opts.reason ?? null,
      },
    );
    return { itemId: item.id, isTicked: opts.isTicked, entry };
  });
  publishTimeline(opts.redis, [result.entry]);
  return result;
}

/** The Checkpoint 1 items not ticked yet, in the plan's words. */
export async function checkpointOneMissing(tx: Pick<Db, "$queryRawUnsafe">, incidentId: string): Promise<string[]> {
  return checklistProgress(checkpoints[0]!, tickedIds(await checklistState(tx, incidentId))).missing.map((i) => i.text);
}

/**
 * plan §9 Checkpoint 1 "Before Initiating Rollback" gates a component rollback started from an
 * incident, unless a commander overrides it with a written reason (recorded on the timeline).
 */
export async function enforceCheckpointOne(
  tx: Tx,
  opts: { incidentId: string; actor: Actor; runbookTitle: string; override?: { reason: string } },
): Promise<TimelineEntry[]> {
  const cp1 = checkpoints[0]!;
  const { missing } = checklistProgress(cp1, tickedIds(await checklistState(tx, opts.incidentId)));
  if (missing.length === 0) return [];
  if (opts.override) {
    if (!hasRole(opts.actor.role, "commander"))
      throw new AppError("FORBIDDEN", `Only a commander may override ${cp1.title}; you are ${opts.actor.role}`);
    return [
      await appendTimeline(tx, opts.incidentId, "checkpoint.overridden", opts.actor.label, {
        checkpoint: cp1.title,
        reason: opts.override.reason,
        runbook: opts.runbookTitle,
        missing: missing.map((i) => i.text),
      }),
    ];
  }
  throw new AppError(
    "CONFLICT",
    `${cp1.title} is not complete (missing: ${missing.map((i) => i.text).join("; ")}). Tick it on the incident page, or a commander may override with a written reason.`,
    { details: { gate: cp1.id, missing: missing.map((i) => ({ id: i.id, text: i.text })) } },
  );
}
