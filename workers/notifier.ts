import { Worker, type Job } from "bullmq";
import { env } from "../lib/env";
import { log } from "../lib/log";
import { createDb } from "../lib/db/client";
import { createRedis, redisPrefix } from "../lib/redis";
import { loadChannels } from "../lib/channels/config";
import { attemptDelivery } from "../lib/messages/attempt-delivery";
import {
  deliverMessageJob,
  deliveryBackoff,
  MESSAGE_QUEUE,
  messageQueue,
  RetryLater,
} from "../lib/messages/delivery-job";
import { reconcileDeliveries } from "../lib/messages/reconcile";
import { remindOverdueUpdates } from "../lib/messages/reminders";

// The notifier: its own process. It delivers messages to channels (plan §7) with retries, re-queues
// deliveries whose job was lost, and reminds commanders when an update is owed. Start as many as
// you like: attempts are claimed in Postgres, reminders decided under the incident's row lock.

try {
  loadChannels();
} catch (e) {
  log.fatal({ err: (e as Error).message }, "cannot start: the channels file is invalid");
  process.exit(1);
}

const db = createDb(env.DATABASE_URL, 4);
const redis = createRedis();

async function processJob(job: Job): Promise<string> {
  const { deliveryId } = deliverMessageJob.schema.parse(job.data);
  try {
    const outcome = await attemptDelivery({ db, redis, deliveryId });
    log.info({ deliveryId, outcome }, "delivery attempt");
    return outcome;
  } catch (e) {
    if (e instanceof RetryLater) log.info({ deliveryId, waitMs: e.waitMs, err: e.message }, "delivery will be retried");
    else log.error({ deliveryId, err: (e as Error).message }, "delivery attempt failed unexpectedly; retrying");
    throw e;
  }
}

const worker = new Worker(MESSAGE_QUEUE, processJob, {
  connection: createRedis(),
  prefix: redisPrefix(),
  concurrency: 8,
  settings: { backoffStrategy: deliveryBackoff },
});
worker.on("error", (err) => log.error({ err: err.message }, "notifier worker error"));
process.on("unhandledRejection", (err) =>
  log.error({ err: (err as Error)?.message ?? String(err) }, "unhandled rejection"),
);

const queue = messageQueue();
async function housekeeping() {
  try {
    const requeued = await reconcileDeliveries({ db, queue });
    if (requeued.length) log.warn({ requeued }, "re-queued deliveries that had no job");
  } catch (e) {
    log.warn({ err: (e as Error).message }, "delivery reconcile failed");
  }
  try {
    const reminded = await remindOverdueUpdates({ db, redis, intervalMs: env.UPDATE_REMINDER_MINUTES * 60_000 });
    if (reminded.length) log.info({ reminded }, "reminded commanders that an update is owed");
  } catch (e) {
    log.warn({ err: (e as Error).message }, "update reminders failed");
  }
}
void housekeeping();
const timer = setInterval(housekeeping, env.REMINDER_CHECK_MS);

log.info(
  {
    channels: loadChannels().map((c) => c.name),
    reminderMinutes: env.UPDATE_REMINDER_MINUTES,
    backoffMs: env.DELIVERY_BACKOFF_MS,
  },
  "notifier ready",
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "notifier stopping");
  // With Redis or Postgres gone, closing waits for ever: stop anyway (what was running is recovered).
  setTimeout(() => process.exit(0), 15_000).unref();
  clearInterval(timer);
  await Promise.race([worker.close(), new Promise((r) => setTimeout(r, 10_000))]);
  await Promise.allSettled([redis.quit(), queue.close(), db.$disconnect()]);
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
