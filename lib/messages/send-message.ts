import "server-only";
import type { Redis } from "ioredis";
import type { Db } from "../db/client";
import type { Actor } from "../auth/roles";
import { AppError } from "../errors";
import { log } from "../log";
import { findChannel } from "../channels/config";
import { remainingGaps } from "../plan";
import type { SendMessageInput } from "../schemas/message";
import { appendTimeline, publishTimeline, type TimelineEntry } from "../incidents/timeline";
import { enqueueDelivery } from "./delivery-job";

/**
 * plan §7: sends a message for an incident. The message and one delivery per channel are recorded
 * first (Postgres is the record), then each delivery becomes a job for the notifier; if Redis is
 * down the notifier's reconciler sends them when it is back. Posting to the status page is an
 * update on the incident's public timeline. Each sent message lands on the timeline.
 */
export async function sendMessage(opts: {
  db: Db;
  redis: Redis;
  actor: Actor;
  incidentId: string;
  input: SendMessageInput;
}) {
  const { db, actor, incidentId, input } = opts;
  const channels = [...new Set(input.channels)];
  if (!channels.length && !input.publicBody)
    throw new AppError(
      "BAD_REQUEST",
      "Choose at least one channel, or post the update to the status page (publicBody)",
      {
        issues: [{ path: "channels", message: "at least one channel (GET /api/channels), or a publicBody" }],
      },
    );
  for (const [field, text] of [
    ["subject", input.subject ?? ""],
    ["body", input.body],
    ["publicBody", input.publicBody ?? ""],
  ] as const) {
    const gaps = remainingGaps(text);
    if (gaps.length)
      throw new AppError(
        "BAD_REQUEST",
        `The ${field} still has gaps to fill in: ${gaps.join(", ")}. Replace each "[fill in: …]" before sending.`,
        {
          issues: [{ path: field, message: `fill in: ${gaps.join(", ")}` }],
        },
      );
  }
  const unknown = channels.filter((c) => !findChannel(c));
  if (unknown.length)
    throw new AppError(
      "BAD_REQUEST",
      `Unknown channel${unknown.length === 1 ? "" : "s"}: ${unknown.join(", ")}; GET /api/channels lists them`,
      {
        issues: unknown.map((c) => ({ path: "channels", message: `no channel "${c}" in channels.json` })),
      },
    );
  const disabled = await db.channelState.findMany({ where: { name: { in: channels }, disabledAt: { not: null } } });
  if (disabled.length)
    throw new AppError(
      "CONFLICT",
      `Channel ${disabled.map((d) => `"${d.name}" is disabled (${d.disabledReason ?? "by an admin"})`).join("; ")}. An admin can enable it again under Settings → Channels.`,
      {
        details: { disabled: disabled.map((d) => d.name) },
      },
    );

  const { message, entries, isHeldBack } = await db.$transaction(async (tx) => {
    const incident = await tx.incident.findUnique({ where: { id: incidentId }, select: { id: true, isDrill: true } });
    if (!incident) throw new AppError("NOT_FOUND", `Incident ${incidentId} not found`);
    // A drill's messages are written and kept (the report shows them) but held back: no channel
    // gets them and nothing is posted to the status page.
    const isHeldBack = incident.isDrill;
    const message = await tx.message.create({
      data: {
        incidentId,
        template: input.template,
        subject: input.subject ?? null,
        body: input.body,
        publicBody: input.publicBody ?? null,
        channels,
        sentBy: actor.label,
        deliveries: { create: isHeldBack ? [] : channels.map((channel) => ({ channel })) },
      },
      include: { deliveries: { select: { id: true, channel: true, status: true } } },
    });
    const entries: TimelineEntry[] = [
      await appendTimeline(tx, incidentId, "message.sent", actor.label, {
        messageId: message.id,
        template: input.template,
        subject: input.subject ?? null,
        channels,
        isPublic: !!input.publicBody && !isHeldBack,
        ...(isHeldBack ? { isHeldBack: true } : {}),
      }),
    ];
    // A commander's own public words put an incident the autopilot held back on the page.
    if (input.publicBody && !isHeldBack)
      await tx.incident.updateMany({ where: { id: incidentId, isPublicHeld: true }, data: { isPublicHeld: false } });
    if (input.publicBody && !isHeldBack)
      entries.push(
        await appendTimeline(tx, incidentId, "public.update", actor.label, {
          messageId: message.id,
          body: input.publicBody,
        }),
      );
    return { message, entries, isHeldBack };
  });
  publishTimeline(opts.redis, entries);

  let isQueued = true;
  for (const d of message.deliveries) {
    try {
      await enqueueDelivery(d.id);
    } catch (e) {
      isQueued = false;
      log.warn(
        { deliveryId: d.id, err: (e as Error).message },
        "delivery not queued yet; the notifier will send it when Redis is back",
      );
    }
  }
  if (isHeldBack)
    return {
      id: message.id,
      deliveries: [],
      isHeldBack: true,
      note: "A drill: the message is recorded but held back; no channel got it and nothing was posted to the status page",
    };
  return {
    id: message.id,
    deliveries: message.deliveries,
    ...(isQueued ? {} : { note: "recorded; Redis is unavailable, so the notifier sends it when Redis is back" }),
  };
}

/** Sends a failed delivery again (after fixing the receiver, say): its attempts start over. */
export async function retryDelivery(opts: { db: Db; actor: Actor; deliveryId: string }) {
  const d = await opts.db.messageDelivery.findUnique({
    where: { id: opts.deliveryId },
    select: { status: true, channel: true },
  });
  if (!d) throw new AppError("NOT_FOUND", `Delivery ${opts.deliveryId} not found`);
  if (d.status !== "failed")
    throw new AppError("CONFLICT", `Delivery ${opts.deliveryId} is ${d.status}; only a failed delivery is sent again`);
  const disabled = await opts.db.channelState.findUnique({ where: { name: d.channel } });
  if (disabled?.disabledAt)
    throw new AppError(
      "CONFLICT",
      `Channel "${d.channel}" is disabled (${disabled.disabledReason}); an admin enables it under Settings → Channels first`,
    );
  await opts.db.messageDelivery.update({
    where: { id: opts.deliveryId },
    data: { status: "pending", attempts: 0, nextAttemptAt: null, lastError: null },
  });
  try {
    await enqueueDelivery(opts.deliveryId);
  } catch {
    // Recorded as pending: the notifier's reconciler sends it once Redis is back.
    return {
      id: opts.deliveryId,
      status: "pending",
      note: "recorded; Redis is unavailable, so the notifier sends it when Redis is back",
    };
  }
  return { id: opts.deliveryId, status: "pending" };
}
