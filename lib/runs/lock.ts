import "server-only";
import type { Db } from "../db/client";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export async function releaseTargetLock(tx: Pick<Tx, "targetLock">, runId: string): Promise<void> {
  await tx.targetLock.deleteMany({ where: { runId } });
}

export const ACTIVE_STATUSES = ["queued", "running", "waiting_approval"] as const;
export const TERMINAL_STATUSES = ["succeeded", "failed", "cancelled", "needs_attention"] as const;
