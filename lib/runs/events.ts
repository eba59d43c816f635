import "server-only";
import type { Redis } from "ioredis";
import type { Db } from "../db/client";
import { keys } from "../redis";

import type { RunEventType } from "./event-types";

export type { RunEventType };

export type RunEventInput = { type: RunEventType; stepIndex?: number | null; data?: Record<string, unknown> };

export type RunEventRecord = {
  runId: string;
  seq: number;
  type: RunEventType;
  stepIndex: number | null;
  data: Record<string, unknown>;
  createdAt: string;
};

type Tx = Pick<Db, "$queryRawUnsafe">;

// One statement: bump the run's lastSeq by n and insert n events numbered from the old value,
// so sequence numbers are gap-free and strictly increasing per run even with concurrent writers
// (the UPDATE takes the run's row lock).
// $4, when given, fences the write: only the worker holding the run's lease may append.
const APPEND_SQL = `
WITH bumped AS (
  UPDATE runs SET "lastSeq" = "lastSeq" + $2 WHERE id = $1::uuid AND ($4::text IS NULL OR "claimedBy" = $4) RETURNING "lastSeq"
)
INSERT INTO run_events ("runId", seq, type, "stepIndex", data)
SELECT $1::uuid, (SELECT "lastSeq" FROM bumped) - $2 + e.ord::int, e.type, e."stepIndex", COALESCE(e.data, '{}'::jsonb)
FROM ROWS FROM (jsonb_to_recordset($3::jsonb) AS (type text, "stepIndex" int, data jsonb)) WITH ORDINALITY AS e(type, "stepIndex", data, ord)
WHERE EXISTS (SELECT 1 FROM bumped)
RETURNING seq, type, "stepIndex", data, "createdAt"`;

/** Another worker holds the run now: this one must stop writing and executing. */
export class LeaseLost extends Error {}

export async function appendEvents(
  tx: Tx,
  runId: string,
  events: RunEventInput[],
  claimedBy: string | null = null,
): Promise<RunEventRecord[]> {
  if (events.length === 0) return [];
  const payload = JSON.stringify(
    events.map((e) => ({ type: e.type, stepIndex: e.stepIndex ?? null, data: e.data ?? {} })),
  );
  const rows = await tx.$queryRawUnsafe<
    { seq: number; type: RunEventType; stepIndex: number | null; data: Record<string, unknown>; createdAt: Date }[]
  >(APPEND_SQL, runId, events.length, payload, claimedBy);
  if (rows.length === 0 && claimedBy) throw new LeaseLost(`run ${runId} is no longer held by ${claimedBy}`);
  if (rows.length !== events.length) throw new Error(`run ${runId} not found while appending events`);
  return rows
    .map((r) => ({
      runId,
      seq: r.seq,
      type: r.type,
      stepIndex: r.stepIndex,
      data: r.data,
      createdAt: new Date(r.createdAt).toISOString(),
    }))
    .sort((a, b) => a.seq - b.seq);
}

// The hot path of the engine: one statement that moves a step to its new state and appends the
// events saying so, atomically, and reports whether a cancel was requested meanwhile.
const STEP_TRANSITION_SQL = `
WITH st AS (
  UPDATE steps SET
    status = $3::"StepStatus",
    attempts = COALESCE($4::int, attempts),
    "startedAt" = CASE WHEN $5::boolean THEN now() ELSE "startedAt" END,
    "finishedAt" = CASE WHEN $6::boolean THEN now() WHEN $5::boolean THEN NULL ELSE "finishedAt" END,
    error = $7::text,
    result = CASE WHEN $8::jsonb IS NULL THEN result ELSE $8::jsonb END,
    runner = CASE WHEN $5::boolean THEN $11 ELSE runner END
  WHERE id = $2::uuid AND "runId" = $1::uuid AND EXISTS (SELECT 1 FROM runs WHERE id = $1::uuid AND "claimedBy" = $11)
  RETURNING 1
), bumped AS (
  UPDATE runs SET "lastSeq" = "lastSeq" + $9 WHERE id = $1::uuid AND "claimedBy" = $11 RETURNING "lastSeq", "cancelRequested"
), ins AS (
  INSERT INTO run_events ("runId", seq, type, "stepIndex", data)
  SELECT $1::uuid, (SELECT "lastSeq" FROM bumped) - $9 + e.ord::int, e.type, e."stepIndex", COALESCE(e.data, '{}'::jsonb)
  FROM ROWS FROM (jsonb_to_recordset($10::jsonb) AS (type text, "stepIndex" int, data jsonb)) WITH ORDINALITY AS e(type, "stepIndex", data, ord)
  WHERE EXISTS (SELECT 1 FROM bumped)
  RETURNING seq, type, "stepIndex", data, "createdAt"
)
SELECT ins.*, (SELECT "cancelRequested" FROM bumped) AS "cancelRequested", (SELECT count(*) FROM st)::int AS "stepsUpdated" FROM ins`;

export type StepTransition = {
  stepId: string;
  status: "running" | "succeeded" | "failed" | "cancelled" | "waiting_approval";
  attempts?: number;
  isStart?: boolean;
  isFinish?: boolean;
  error?: string | null;
  result?: Record<string, unknown>;
};

type TransitionRow = {
  seq: number;
  type: RunEventType;
  stepIndex: number | null;
  data: Record<string, unknown>;
  createdAt: Date;
  cancelRequested: boolean;
  stepsUpdated: number;
};
const eventsPayload = (events: RunEventInput[]) =>
  JSON.stringify(events.map((e) => ({ type: e.type, stepIndex: e.stepIndex ?? null, data: e.data ?? {} })));
const recordsOf = (runId: string, rows: TransitionRow[]): RunEventRecord[] =>
  rows
    .map((r) => ({
      runId,
      seq: r.seq,
      type: r.type,
      stepIndex: r.stepIndex,
      data: r.data,
      createdAt: new Date(r.createdAt).toISOString(),
    }))
    .sort((a, b) => a.seq - b.seq);

// One statement for the common case between two steps: the step that succeeded ends and the next
// one (still pending) starts, with their events. All or nothing: if the next step is not pending,
// nothing is written and the caller records the two transitions one by one.
const STEP_HANDOFF_SQL = `
WITH ready AS (
  SELECT 1 FROM steps WHERE id = $4::uuid AND "runId" = $1::uuid AND status = 'pending'
), held AS (
  SELECT 1 FROM runs WHERE id = $1::uuid AND "claimedBy" = $8 AND EXISTS (SELECT 1 FROM ready)
), done AS (
  UPDATE steps SET status = 'succeeded', "finishedAt" = now(), error = NULL, result = $3::jsonb
  WHERE id = $2::uuid AND "runId" = $1::uuid AND EXISTS (SELECT 1 FROM held)
  RETURNING 1
), nxt AS (
  UPDATE steps SET status = 'running', attempts = $5::int, "startedAt" = now(), "finishedAt" = NULL, error = NULL, runner = $8
  WHERE id = $4::uuid AND "runId" = $1::uuid AND EXISTS (SELECT 1 FROM held)
  RETURNING 1
), bumped AS (
  UPDATE runs SET "lastSeq" = "lastSeq" + $6 WHERE id = $1::uuid AND EXISTS (SELECT 1 FROM held) RETURNING "lastSeq", "cancelRequested"
), ins AS (
  INSERT INTO run_events ("runId", seq, type, "stepIndex", data)
  SELECT $1::uuid, (SELECT "lastSeq" FROM bumped) - $6 + e.ord::int, e.type, e."stepIndex", COALESCE(e.data, '{}'::jsonb)
  FROM ROWS FROM (jsonb_to_recordset($7::jsonb) AS (type text, "stepIndex" int, data jsonb)) WITH ORDINALITY AS e(type, "stepIndex", data, ord)
  WHERE EXISTS (SELECT 1 FROM bumped)
  RETURNING seq, type, "stepIndex", data, "createdAt"
)
SELECT ins.*, (SELECT "cancelRequested" FROM bumped) AS "cancelRequested",
  (SELECT count(*) FROM done)::int + (SELECT count(*) FROM nxt)::int AS "stepsUpdated" FROM ins`;

/**
 * Step `done` succeeded and step `next` starts, in one statement (the engine's per-step cost is its
 * statements). Null when `next` is not pending: nothing was written. LeaseLost when the run is
 * another worker's.
 */
export async function handOffStep(
  db: Pick<Db, "$queryRawUnsafe">,
  runId: string,
  done: { stepId: string; result: Record<string, unknown> },
  next: { stepId: string; attempts: number },
  events: RunEventInput[],
  claimedBy: string,
): Promise<{ records: RunEventRecord[]; isCancelRequested: boolean } | null> {
  const rows = await db.$queryRawUnsafe<TransitionRow[]>(
    STEP_HANDOFF_SQL,
    runId,
    done.stepId,
    JSON.stringify(done.result),
    next.stepId,
    next.attempts,
    events.length,
    eventsPayload(events),
    claimedBy,
  );
  if (rows.length === 0) {
    // Nothing written: either the next step is not pending (the caller goes step by step) or the lease is gone.
    const [held] = await db.$queryRawUnsafe<{ isHeld: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM runs WHERE id = $1::uuid AND "claimedBy" = $2) AS "isHeld"`,
      runId,
      claimedBy,
    );
    if (!held?.isHeld) throw new LeaseLost(`run ${runId} is no longer held by ${claimedBy}`);
    return null;
  }
  if (rows.length !== events.length || rows[0]?.stepsUpdated !== 2)
    throw new Error(`steps ${done.stepId} → ${next.stepId} of run ${runId}: the hand-off did not find both`);
  return { records: recordsOf(runId, rows), isCancelRequested: rows[0]!.cancelRequested };
}

export async function transitionStep(
  db: Pick<Db, "$queryRawUnsafe">,
  runId: string,
  t: StepTransition,
  events: RunEventInput[],
  claimedBy: string,
): Promise<{ records: RunEventRecord[]; isCancelRequested: boolean }> {
  if (events.length === 0) throw new Error("a step transition records at least one event");
  const payload = eventsPayload(events);
  const rows = await db.$queryRawUnsafe<TransitionRow[]>(
    STEP_TRANSITION_SQL,
    runId,
    t.stepId,
    t.status,
    t.attempts ?? null,
    t.isStart ?? false,
    t.isFinish ?? false,
    t.error ?? null,
    t.result === undefined ? null : JSON.stringify(t.result),
    events.length,
    payload,
    claimedBy,
  );
  if (rows.length === 0) throw new LeaseLost(`run ${runId} is no longer held by ${claimedBy}`);
  if (rows.length !== events.length || rows[0]?.stepsUpdated !== 1)
    throw new Error(`step ${t.stepId} of run ${runId} not found`);
  return { records: recordsOf(runId, rows), isCancelRequested: rows[0]!.cancelRequested };
}

/**
 * Postgres has the record already; Redis only tells live viewers, so a failed publish loses
 * nothing. A batch goes out as one message (a JSON array) so each viewer gets it as one chunk.
 */
export async function publishEvents(redis: Redis, records: RunEventRecord[]): Promise<void> {
  if (records.length === 0) return;
  try {
    await redis.publish(keys.events(), JSON.stringify(records.length === 1 ? records[0] : records));
  } catch {
    // Live viewers resynchronise from Postgres when the subscription comes back.
  }
}

export function toEventRecord(e: {
  runId: string;
  seq: number;
  type: string;
  stepIndex: number | null;
  data: unknown;
  createdAt: Date;
}): RunEventRecord {
  return {
    runId: e.runId,
    seq: e.seq,
    type: e.type as RunEventType,
    stepIndex: e.stepIndex,
    data: (e.data ?? {}) as Record<string, unknown>,
    createdAt: e.createdAt.toISOString(),
  };
}
