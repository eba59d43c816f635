import "server-only";
import type { Redis } from "ioredis";
import type { Db } from "../db/client";
import { keys } from "../redis";

type Tx = Pick<Db, "$queryRawUnsafe">;

export type TimelineEntry = {
  incidentId: string;
  seq: number;
  type: string;
  actorLabel: string;
  data: Record<string, unknown>;
  at: string;
};

// Same numbering as run events: one statement bumps the incident's lastSeq and inserts the entry.
const APPEND_SQL = `
WITH bumped AS (UPDATE incidents SET "lastSeq" = "lastSeq" + 1 WHERE id = $1::uuid RETURNING "lastSeq")
INSERT INTO incident_events ("incidentId", seq, type, "actorLabel", data)
SELECT $1::uuid, "lastSeq", $2, $3, $4::jsonb FROM bumped
RETURNING seq, type, "actorLabel", data, at`;

export async function appendTimeline(
  tx: Tx,
  incidentId: string,
  type: string,
  actorLabel: string,
  data: Record<string, unknown> = {},
): Promise<TimelineEntry> {
  const [row] = await tx.$queryRawUnsafe<
    { seq: number; type: string; actorLabel: string; data: Record<string, unknown>; at: Date }[]
  >(APPEND_SQL, incidentId, type, actorLabel, JSON.stringify(data));
  if (!row) throw new Error(`incident ${incidentId} not found`);
  return {
    incidentId,
    seq: row.seq,
    type: row.type,
    actorLabel: row.actorLabel,
    data: row.data,
    at: new Date(row.at).toISOString(),
  };
}

/** After the commit: tells live viewers. Postgres has the entries; a lost publish loses nothing. */
export function publishTimeline(redis: Redis, entries: TimelineEntry[]): void {
  if (entries.length)
    void redis
      .publish(keys.incidentEvents(), JSON.stringify(entries.length === 1 ? entries[0] : entries))
      .catch(() => {});
}

export async function listTimeline(
  db: Pick<Db, "incidentEvent">,
  incidentId: string,
  afterSeq: number,
): Promise<TimelineEntry[]> {
  const rows = await db.incidentEvent.findMany({
    where: { incidentId, seq: { gt: afterSeq } },
    orderBy: { seq: "asc" },
  });
  return rows.map((r) => ({
    incidentId: r.incidentId,
    seq: r.seq,
    type: r.type,
    actorLabel: r.actorLabel,
    data: r.data as Record<string, unknown>,
    at: r.at.toISOString(),
  }));
}

/** A direct control (pause queues, flush cache, maintenance…) used for an incident, on its timeline, whether it worked or not. */
export async function recordIncidentAction(
  db: Db,
  redis: Redis,
  a: {
    incidentId: string;
    actor: { label: string };
    method: string;
    path: string;
    status: number;
    error?: string;
    runbook?: string;
  },
): Promise<void> {
  try {
    const ok = a.status < 400;
    const data = {
      method: a.method,
      path: a.path,
      status: a.status,
      ...(a.runbook ? { runbook: a.runbook } : {}),
      ...(ok ? {} : { error: a.error ?? `HTTP ${a.status}` }),
    };
    const entry = await appendTimeline(
      db,
      a.incidentId,
      ok ? "action.performed" : "action.failed",
      a.actor.label,
      data,
    );
    publishTimeline(redis, [entry]);
  } catch {
    // An unknown incident id: the action stands, the audit entry names the id.
  }
}
