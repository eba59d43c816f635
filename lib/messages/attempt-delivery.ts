import "server-only";
import type { Redis } from "ioredis";
import type { Db } from "../db/client";
import { publicUrl } from "../env";
import { findChannel } from "../channels/config";
import { appendTimeline, publishTimeline } from "../incidents/timeline";
import { SYSTEM_ACTOR } from "../incidents/lifecycle";
import { buildRequest, parseRetryAfter } from "./webhook";
import { PUBLIC_SEVERITY } from "../public/wording";
import { maxDeliveryAttempts, nextWaitMs, RetryLater } from "./delivery-job";

// While one attempt is under way, a second job for the same delivery (the reconciler's) waits.
const IN_FLIGHT_MS = 30_000;
const TIMEOUT_MS = 10_000;
const clip = (s: string) => s.replace(/\u0000/g, "").slice(0, 500);

export type AttemptOutcome = "delivered" | "retry" | "failed" | "not-due";

/**
 * One attempt to deliver one message to one channel, recorded whatever happens (time, status
 * code, duration, error). 2xx delivers; 410 Gone disables the channel and fails the delivery;
 * anything else is retried on the documented schedule (or after the receiver's Retry-After) until
 * the attempts run out, and then the delivery is failed, kept, and shown as failed.
 * Throws RetryLater so BullMQ schedules the next attempt.
 */
export async function attemptDelivery(opts: {
  db: Db;
  redis: Redis;
  deliveryId: string;
  now?: () => Date;
}): Promise<AttemptOutcome> {
  const { db, deliveryId } = opts;
  const now = opts.now ?? (() => new Date());
  // Claim the attempt: only when it is due, and only one at a time.
  const [claim] = await db.$queryRawUnsafe<{ attempts: number }[]>(
    `UPDATE message_deliveries SET attempts = attempts + 1, "nextAttemptAt" = now() + ($2 || ' milliseconds')::interval
     WHERE id = $1::uuid AND status IN ('pending', 'retrying') AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= now() + interval '1 second')
     RETURNING attempts`,
    deliveryId,
    String(IN_FLIGHT_MS),
  );
  if (!claim) {
    // Early (a retry that fired before its time): come back when it is due; else it is done or under way.
    const d = await db.messageDelivery.findUnique({
      where: { id: deliveryId },
      select: { status: true, nextAttemptAt: true },
    });
    if (
      d &&
      (d.status === "pending" || d.status === "retrying") &&
      d.nextAttemptAt &&
      d.nextAttemptAt.getTime() > now().getTime()
    )
      throw new RetryLater("not due yet", d.nextAttemptAt.getTime() - now().getTime());
    return "not-due";
  }
  // `number` counts this round's attempts (a person's retry starts a new round); the log numbers them all.
  const number = claim.attempts;
  const logNumber = (await db.deliveryAttempt.count({ where: { deliveryId } })) + 1;
  const delivery = await db.messageDelivery.findUniqueOrThrow({
    where: { id: deliveryId },
    include: {
      message: {
        include: { incident: { select: { id: true, title: true, publicTitle: true, severity: true, status: true } } },
      },
    },
  });
  const { message } = delivery;

  const finish = async (
    status: "delivered" | "failed",
    fields: { statusCode?: number | null; error?: string | null },
    disable?: string,
  ) => {
    const entry = await db.$transaction(async (tx) => {
      await tx.messageDelivery.update({
        where: { id: deliveryId },
        data: {
          status,
          lastStatusCode: fields.statusCode ?? null,
          lastError: fields.error ?? null,
          nextAttemptAt: null,
          ...(status === "delivered" ? { deliveredAt: new Date() } : {}),
        },
      });
      if (disable)
        await tx.channelState.upsert({
          where: { name: delivery.channel },
          create: { name: delivery.channel, disabledAt: new Date(), disabledReason: disable },
          update: { disabledAt: new Date(), disabledReason: disable },
        });
      return appendTimeline(
        tx,
        message.incidentId,
        status === "delivered" ? "message.delivered" : "message.failed",
        SYSTEM_ACTOR,
        {
          messageId: message.id,
          deliveryId,
          channel: delivery.channel,
          template: message.template,
          attempts: number,
          ...(status === "failed" ? { error: fields.error ?? null, isChannelDisabled: !!disable } : {}),
        },
      );
    });
    publishTimeline(opts.redis, [entry]);
  };

  const channel = findChannel(delivery.channel);
  const disabled = await db.channelState.findUnique({ where: { name: delivery.channel } });
  if (!channel || disabled?.disabledAt) {
    // Retired meanwhile (its receiver answered 410 Gone to another message): never post to it again.
    const error = !channel
      ? `channel "${delivery.channel}" is no longer in channels.json`
      : `channel "${delivery.channel}" is disabled (${disabled!.disabledReason ?? "by an admin"})`;
    await db.deliveryAttempt.create({ data: { deliveryId, number: logNumber, durationMs: 0, error } });
    await finish("failed", { error });
    return "failed";
  }

  const started = now();
  const { incident } = message;
  const isInternal = channel.audience === "internal";
  const request = buildRequest(
    channel,
    {
      deliveryId,
      incident: isInternal
        ? {
            id: incident.id,
            title: incident.title,
            severity: incident.severity,
            status: incident.status,
            url: `${publicUrl()}/incidents/${incident.id}`,
          }
        : {
            id: incident.id,
            title: incident.publicTitle ?? PUBLIC_SEVERITY[incident.severity].defaultTitle,
            severity: incident.severity,
            status: incident.status,
            url: `${publicUrl()}/status/incidents/${incident.id}`,
          },
      message: {
        id: message.id,
        template: message.template,
        subject: message.subject,
        body: message.body,
        ...(isInternal ? { sentBy: message.sentBy } : {}),
        createdAt: message.createdAt.toISOString(),
      },
    },
    started,
  );
  let statusCode: number | null = null;
  let error: string | null = null;
  let retryAfterMs: number | undefined;
  try {
    const res = await fetch(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    statusCode = res.status;
    retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), now());
    const text = await res.text().catch(() => "");
    if (res.status < 200 || res.status >= 300) error = clip(`HTTP ${res.status}${text ? `: ${text}` : ""}`);
  } catch (e) {
    error = clip(
      (e as Error).name === "TimeoutError"
        ? `no answer within ${TIMEOUT_MS / 1000} s`
        : `could not reach the receiver: ${(e as Error).message}`,
    );
  }
  const durationMs = Math.round(now().getTime() - started.getTime());
  await db.deliveryAttempt.create({
    data: { deliveryId, number: logNumber, statusCode, durationMs, error, retryAfterMs: retryAfterMs ?? null },
  });

  if (!error) {
    await finish("delivered", { statusCode });
    return "delivered";
  }
  if (statusCode === 410) {
    await finish(
      "failed",
      {
        statusCode,
        error: `${error} (the receiver retired this URL; the channel is disabled until an admin enables it)`,
      },
      "the receiver answered 410 Gone",
    );
    return "failed";
  }
  if (number >= maxDeliveryAttempts()) {
    await finish("failed", { statusCode, error: `${error} (gave up after ${number} attempts)` });
    return "failed";
  }
  const waitMs = nextWaitMs(number, retryAfterMs);
  await db.messageDelivery.update({
    where: { id: deliveryId },
    data: {
      status: "retrying",
      lastStatusCode: statusCode,
      lastError: error,
      nextAttemptAt: new Date(now().getTime() + waitMs),
    },
  });
  throw new RetryLater(error, waitMs);
}
