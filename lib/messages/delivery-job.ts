import "server-only";
import { Queue } from "bullmq";
import { z } from "zod";
import { env } from "../env";
import { createRedis, redisPrefix } from "../redis";

// The notifier's one job: deliver one message to one channel. Producer and worker both parse.
export const MESSAGE_QUEUE = "messages";
export const deliverMessageJob = {
  name: "deliver-message",
  schema: z.object({ deliveryId: z.string().uuid() }).strict(),
};

/** The waits between attempts (DELIVERY_BACKOFF_MS), so attempts = waits + 1. */
export const deliveryBackoffMs = (): number[] => env.DELIVERY_BACKOFF_MS;
export const maxDeliveryAttempts = (): number => deliveryBackoffMs().length + 1;

/** The next attempt is due in `waitMs` (the schedule's wait, or the receiver's Retry-After). */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly waitMs: number,
  ) {
    super(message);
  }
}

/**
 * The wait before attempt `attempt + 1`: the documented schedule (DELIVERY_BACKOFF_MS), or longer
 * when the receiver's Retry-After asks for longer.
 */
export function nextWaitMs(attempt: number, retryAfterMs?: number): number {
  const waits = deliveryBackoffMs();
  const scheduled = waits[Math.min(attempt, waits.length) - 1] ?? waits.at(-1) ?? 1000;
  // "Retry after" is a least wait: never sooner than the receiver asks, nor sooner than the schedule.
  return Math.max(scheduled, retryAfterMs ?? 0);
}

/** BullMQ's custom backoff: exactly the wait the attempt decided (and recorded as nextAttemptAt). */
export function deliveryBackoff(attemptsMade: number, _type?: string, err?: Error): number {
  return err instanceof RetryLater ? err.waitMs : nextWaitMs(attemptsMade);
}

const g = globalThis as unknown as { backoutMessageQueue?: Queue };

export function messageQueue(): Queue {
  g.backoutMessageQueue ??= new Queue(MESSAGE_QUEUE, {
    connection: createRedis(env.REDIS_URL, { enableOfflineQueue: false }),
    prefix: redisPrefix(),
  });
  return g.backoutMessageQueue;
}

export async function enqueueDelivery(
  deliveryId: string,
  opts: { delayMs?: number; queue?: Queue } = {},
): Promise<void> {
  const payload = deliverMessageJob.schema.parse({ deliveryId });
  await (opts.queue ?? messageQueue()).add(deliverMessageJob.name, payload, {
    // One job per delivery at a time; the database decides whether an attempt is due.
    jobId: deliveryId,
    delay: opts.delayMs ?? 0,
    // The processor counts attempts itself (in Postgres) and ends the delivery; BullMQ's count is a backstop.
    attempts: maxDeliveryAttempts() + 2,
    backoff: { type: "custom" },
    removeOnComplete: true,
    removeOnFail: true,
  });
}
