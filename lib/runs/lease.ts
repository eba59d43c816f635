import "server-only";
import { StepAbort } from "../steps/context";
import { durably, RunClaimedElsewhere, type EngineDeps } from "./durable";

// A run is executed by one worker at a time: it claims the run for a lease and keeps renewing it.
// A worker that dies stops renewing; another takes the run over once the lease has run out.

/**
 * Claims the run for this worker: "claimed"; "finished" when there is nothing left to execute
 * (finished, or never started and cancelled); "other-pool" when the run belongs to a pool this
 * worker does not serve (a job put on the wrong queue by hand); RunClaimedElsewhere when another
 * worker holds a live lease on it.
 */
export async function claimRun(deps: EngineDeps, runId: string): Promise<"claimed" | "finished" | "other-pool"> {
  const claimed = await durably(deps, "claim", () =>
    deps.db.$executeRawUnsafe(
      `UPDATE runs SET "claimedBy" = $2, "claimedUntil" = now() + ($3 || ' milliseconds')::interval
       WHERE id = $1::uuid AND status IN ('queued', 'running')
         AND ("claimedBy" IS NULL OR "claimedUntil" < now())
         AND ($4::text[] IS NULL OR pool = ANY($4::text[]))`,
      runId,
      deps.workerId,
      String(deps.leaseMs),
      deps.pools ?? null,
    ),
  );
  if (claimed !== 0) return "claimed";
  const run = await deps.db.run.findUnique({ where: { id: runId }, select: { status: true, pool: true } });
  if (!run || !["queued", "running"].includes(run.status)) return "finished";
  if (deps.pools && !deps.pools.includes(run.pool)) return "other-pool";
  throw new RunClaimedElsewhere(`run ${runId} is being executed by another worker`);
}

/**
 * Renews the claim every third of the lease. `signal` aborts when the lease is lost (another worker
 * took over after this one could not renew): everything this worker does for the run stops there.
 */
export function holdLease(deps: EngineDeps, runId: string): { signal: AbortSignal; release: () => void } {
  const { db, log, workerId } = deps;
  const ctl = new AbortController();
  const renew = setInterval(
    () => {
      db.$executeRawUnsafe(
        `UPDATE runs SET "claimedUntil" = now() + ($3 || ' milliseconds')::interval WHERE id = $1::uuid AND "claimedBy" = $2`,
        runId,
        workerId,
        String(deps.leaseMs),
      )
        .then((n) => {
          if (n !== 0 || ctl.signal.aborted) return;
          log.error({ runId, workerId }, "lease lost: another worker has taken this run over; stopping here");
          ctl.abort(new StepAbort("cancelled", "lease lost"));
        })
        .catch((e) => log.warn({ runId, err: (e as Error).message }, "lease renewal failed"));
    },
    Math.max(500, Math.floor(deps.leaseMs / 3)),
  );
  return { signal: ctl.signal, release: () => clearInterval(renew) };
}
