import "server-only";
import type { Redis } from "ioredis";
import type { Db } from "../db/client";
import { SEVERITIES_WITH_UPDATE_PROMISE, UPDATE_ENTRY_TYPES, updateDue } from "../plan";
import { appendTimeline, publishTimeline, type TimelineEntry } from "../incidents/timeline";
import { SYSTEM_ACTOR } from "../incidents/lifecycle";

/**
 * plan §7.1 "We will provide updates every 15 minutes": an open P0/P1 incident with no update for
 * the interval gets a reminder on its timeline (again each interval). Safe to run in several
 * notifiers at once: the incident row is locked while it is decided.
 */
export async function remindOverdueUpdates(opts: {
  db: Db;
  redis: Redis;
  intervalMs: number;
  now?: Date;
}): Promise<string[]> {
  const { db } = opts;
  const candidates = await db.incident.findMany({
    where: { status: { not: "resolved" }, severity: { in: [...SEVERITIES_WITH_UPDATE_PROMISE] } },
    select: { id: true },
  });
  const reminded: string[] = [];
  for (const { id } of candidates) {
    const entry = await db.$transaction(async (tx): Promise<TimelineEntry | null> => {
      const [incident] = await tx.$queryRawUnsafe<{ severity: "P0" | "P1"; status: string }[]>(
        `SELECT severity::text AS severity, status::text AS status FROM incidents WHERE id = $1::uuid FOR UPDATE`,
        id,
      );
      if (!incident) return null;
      const [times] = await tx.$queryRawUnsafe<{ lastUpdate: Date | null; lastReminder: Date | null }[]>(
        `SELECT max(at) FILTER (WHERE type = ANY($2::text[])) AS "lastUpdate", max(at) FILTER (WHERE type = 'update.reminder') AS "lastReminder"
         FROM incident_events WHERE "incidentId" = $1::uuid`,
        id,
        [...UPDATE_ENTRY_TYPES],
      );
      if (!times?.lastUpdate) return null;
      const now = opts.now ?? new Date();
      const due = updateDue({
        ...incident,
        lastUpdateAt: times.lastUpdate,
        lastReminderAt: times.lastReminder,
        now,
        intervalMs: opts.intervalMs,
      });
      if (!due.isOverdue || !due.isReminderDue) return null;
      return appendTimeline(tx, id, "update.reminder", SYSTEM_ACTOR, {
        minutesSinceUpdate: Math.floor((now.getTime() - times.lastUpdate.getTime()) / 60_000),
        msSinceUpdate: now.getTime() - times.lastUpdate.getTime(),
        lastUpdateAt: times.lastUpdate.toISOString(),
        intervalMinutes: opts.intervalMs / 60_000,
      });
    });
    if (entry) {
      publishTimeline(opts.redis, [entry]);
      reminded.push(id);
    }
  }
  return reminded;
}
