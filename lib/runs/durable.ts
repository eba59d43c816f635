import "server-only";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { Prisma } from "../../generated/prisma/client";
import type { Db } from "../db/client";
import { sleep } from "../steps/context";
import { LeaseLost } from "./events";

// What the engine needs, and how it writes to Postgres so that a database restart loses nothing.

export type EngineDeps = {
  db: Db;
  redis: Redis;
  log: Logger;
  workerId: string;
  leaseMs: number;
  /** The runner pools this worker serves: it never claims another pool's run, whatever job names it. */
  pools?: string[];
};

export class RunClaimedElsewhere extends Error {}

/**
 * Postgres going away (restart, failover, network): SQLSTATE class 08 (connection exception),
 * 57P01–57P03 (shutting down, cannot connect now), or the driver losing its socket.
 */
export function isTransientDbError(e: unknown): boolean {
  if (e instanceof RunClaimedElsewhere || e instanceof LeaseLost) return false;
  if (e instanceof Prisma.PrismaClientKnownRequestError && ["P1001", "P1002", "P1017", "P2024"].includes(e.code))
    return true;
  const cause = (e as { meta?: { driverAdapterError?: { cause?: { code?: string; originalCode?: string } } } })?.meta
    ?.driverAdapterError?.cause;
  const sqlstate = cause?.originalCode ?? cause?.code ?? (e as { code?: string })?.code;
  if (typeof sqlstate === "string" && (/^08/.test(sqlstate) || /^57P0[123]$/.test(sqlstate))) return true;
  return /ECONNREFUSED|ECONNRESET|Connection terminated|connection (is )?closed|shutting down|terminating connection/i.test(
    String((e as Error)?.message ?? e),
  );
}

/**
 * Retries a Postgres write while the database restarts; the record must not be lost. With a
 * signal, a write no longer wanted (the step was cancelled meanwhile) stops being retried.
 */
export async function durably<T>(
  deps: EngineDeps,
  what: string,
  fn: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isTransientDbError(e) || Date.now() > deadline || signal?.aborted) throw e;
      deps.log.warn({ err: (e as Error).message, what, attempt }, "database write failed; retrying");
      await sleep(Math.min(5000, 200 * attempt));
    }
  }
}
