import "server-only";
import type { Redis } from "ioredis";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { appendEvents, publishEvents } from "./events";
import { enqueueRun } from "./run-job";
import { appendTimeline, publishTimeline } from "../incidents/timeline";
import { findRunbook } from "../runbooks";
import { loadTargets } from "../targets/load-targets";

/** Records a person's decision at an approval gate and hands the run back to a worker. */
export async function decideGate(opts: {
  db: Db;
  redis: Redis;
  runId: string;
  decision: "approved" | "rejected";
  by?: string;
  /** The decider's principals (lib/auth/roles.ts principalsOf): the same person by any credential. */
  byIds?: string[];
  comment?: string;
}) {
  const { db, redis, runId, decision } = opts;
  const by = opts.by ?? "api";
  const { events, timeline, pool } = await db.$transaction(async (tx) => {
    const [run] = await tx.$queryRawUnsafe<
      {
        status: string;
        incidentId: string | null;
        runbook: string;
        target: string;
        requestedBy: string;
        requestedByIds: string[] | null;
        pool: string;
      }[]
    >(
      `SELECT status, "incidentId", runbook, target, "requestedBy", "requestedByIds", pool FROM runs WHERE id = $1::uuid FOR UPDATE`,
      runId,
    );
    if (!run) throw new AppError("NOT_FOUND", `Run ${runId} not found`);
    // Two people for a high-risk approval: the one who started the run does not approve it alone,
    // unless the target allows it (a one-person team), and then it is said so on the record.
    const isHighRisk = findRunbook(run.runbook)?.risk === "high";
    // The same person whichever credential they use: their session, or a token they made.
    const isSelf = run.requestedBy === by || (opts.byIds ?? []).some((p) => (run.requestedByIds ?? []).includes(p));
    const allowsSolo = loadTargets().targets.find((t) => t.name === run.target)?.allowSoloApproval === true;
    if (decision === "approved" && isHighRisk && isSelf && !allowsSolo)
      throw new AppError(
        "FORBIDDEN",
        `You started this run, and "${findRunbook(run.runbook)?.title ?? run.runbook}" is high-risk: another commander must approve it. (For a one-person team, set "allowSoloApproval": true on target "${run.target}" in targets.json.)`,
        { details: { code: "SECOND_PERSON_REQUIRED" } },
      );
    const isSolo = decision === "approved" && isHighRisk && isSelf;
    if (run.status !== "waiting_approval")
      throw new AppError(
        "CONFLICT",
        `Run ${runId} is ${run.status}, not waiting for approval; nothing to ${decision === "approved" ? "approve" : "reject"}`,
      );
    const step = await tx.step.findFirst({ where: { runId, status: "waiting_approval" } });
    if (!step) throw new AppError("CONFLICT", `Run ${runId} has no step waiting for approval`);
    await tx.step.update({
      where: { id: step.id },
      data: { decidedBy: by, decidedAt: new Date(), result: { decision, comment: opts.comment ?? null } },
    });
    await tx.run.update({ where: { id: runId }, data: { status: "running" } });
    // Who approved what is part of the incident's story (and its post-mortem).
    const timeline = run.incidentId
      ? [
          await appendTimeline(tx, run.incidentId, decision === "approved" ? "run.approved" : "run.rejected", by, {
            runId,
            runbook: run.runbook,
            step: step.name,
            comment: opts.comment ?? null,
            ...(isSolo ? { isSolo: true } : {}),
          }),
        ]
      : [];
    const events = await appendEvents(tx, runId, [
      {
        type: decision === "approved" ? "step.approved" : "step.rejected",
        stepIndex: step.index,
        data: {
          by,
          comment: opts.comment ?? null,
          ...(isSolo
            ? { isSolo: true, note: "approved by the one who started it: the target allows solo approval" }
            : {}),
        },
      },
      { type: "run.resumed", data: { by } },
    ]);
    return { events, timeline, pool: run.pool };
  });
  void publishEvents(redis, events); // never hold a request for Redis: Postgres has the record
  publishTimeline(redis, timeline);
  try {
    await enqueueRun(runId, pool, "resume");
  } catch {
    // Recorded in Postgres; the worker's reconciler picks the run up when Redis is back.
    return {
      id: runId,
      decision,
      note: "decision recorded; Redis is unavailable, so the run continues once it is back",
    };
  }
  return { id: runId, decision };
}
