import "server-only";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { toEventRecord, type RunEventRecord } from "./events";
import { errorTextFor, stepResultFor, stepSpecFor } from "../auth/visibility";
import { hasRole, type Role } from "../auth/roles";
import type { Redis } from "ioredis";
import { liveRunners } from "../health";

/** A run with its steps, each spec as the caller's role may read it (lib/auth/visibility.ts). */
export async function getRun(opts: { db: Db; runId: string; role: Role }) {
  const run = await opts.db.run.findUnique({
    where: { id: opts.runId },
    include: { steps: { orderBy: { index: "asc" } } },
  });
  if (!run) throw new AppError("NOT_FOUND", `Run ${opts.runId} not found; GET /api/runs lists recent runs`);
  const { claimedBy: _c, claimedUntil, requestedByIds: _ids, ...rest } = run;
  return {
    ...rest,
    // The worker running it renews its hold every second; past its end, that worker is gone and another
    // is about to take over. Judged here, on the server's clock, not the browser's.
    isWorkerLost: run.status === "running" && !!claimedUntil && Date.now() > claimedUntil.getTime(),
    error: errorTextFor(opts.role, rest.error),
    steps: rest.steps.map((s) => ({
      ...s,
      spec: stepSpecFor(opts.role, s.spec) as typeof s.spec,
      result: stepResultFor(opts.role, s.result) as typeof s.result,
      error: errorTextFor(opts.role, s.error),
      // Which runner executed it (host:pid:id) is for engineers; a viewer sees the run's pool.
      runner: hasRole(opts.role, "engineer") ? s.runner : null,
    })),
  };
}

/**
 * A run that is queued (or lost its runner) while no live runner serves its pool waits for one,
 * visibly: "waiting for a runner on pool X". Null when a runner is there or the run needs none.
 */
export async function waitingForRunner(
  redis: Redis,
  run: { status: string; pool: string; isWorkerLost: boolean },
): Promise<{ pool: string; message: string } | null> {
  if (run.status !== "queued" && !run.isWorkerLost) return null;
  const runners = await liveRunners(redis).catch(() => null);
  if (!runners || runners[run.pool]?.length) return null;
  return {
    pool: run.pool,
    message: `Waiting for a runner on pool ${run.pool}: none is running. Start one on a host that can act on this target with \`npm run worker -- --pool ${run.pool}\`; the run starts as soon as it is up. You can cancel it meanwhile.`,
  };
}
export type RunView = Awaited<ReturnType<typeof getRun>>;

export async function listRuns(opts: { db: Db; limit?: number; target?: string; role: Role }) {
  const runs = await opts.db.run.findMany({
    where: opts.target ? { target: opts.target } : undefined,
    orderBy: { createdAt: "desc" },
    take: opts.limit ?? 50,
    select: {
      id: true,
      runbook: true,
      target: true,
      status: true,
      isDryRun: true,
      params: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      error: true,
      requestedBy: true,
      _count: { select: { steps: true } },
    },
  });
  return runs.map((r) => ({ ...r, error: errorTextFor(opts.role, r.error) }));
}

/** Events after `afterSeq`, in order: what an SSE client that reconnects has missed. */
export async function listRunEvents(opts: {
  db: Db;
  runId: string;
  afterSeq?: number;
  limit?: number;
}): Promise<RunEventRecord[]> {
  const rows = await opts.db.runEvent.findMany({
    where: { runId: opts.runId, seq: { gt: opts.afterSeq ?? 0 } },
    orderBy: { seq: "asc" },
    take: opts.limit ?? 5_000,
  });
  return rows.map(toEventRecord);
}
