import "server-only";
import crypto from "node:crypto";
import type { Channel } from "../channels/config";

// How a message leaves Backout: a Slack-compatible incoming webhook ({ text }), or signed JSON the
// Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature: "v1,<base64 HMAC-SHA256
// of id.timestamp.body>" keyed with the secret's base64 bytes after "whsec_").

/**
 * What a channel receives. A stakeholder channel gets only what the commander saw in the preview
 * (subject and body) and what the status page shows (public title, severity, status, its link);
 * the team's internal channels also get the console's title and link and who sent it.
 */
export type OutgoingMessage = {
  deliveryId: string;
  incident: { id: string; title: string; severity: string; status: string; url: string };
  message: { id: string; template: string; subject: string | null; body: string; sentBy?: string; createdAt: string };
};

export function signStandardWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${crypto.createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

export function buildRequest(
  channel: Channel,
  m: OutgoingMessage,
  now: Date,
): { url: string; headers: Record<string, string>; body: string } {
  if (channel.kind === "slack") {
    const text = m.message.subject ? `*${m.message.subject}*\n\n${m.message.body}` : m.message.body;
    return { url: channel.url, headers: { "content-type": "application/json" }, body: JSON.stringify({ text }) };
  }
  // The same id on every retry of this delivery, so a receiver can drop duplicates.
  const id = `msg_${m.deliveryId.replace(/-/g, "")}`;
  const timestamp = Math.floor(now.getTime() / 1000);
  const body = JSON.stringify({
    type: "incident.message",
    timestamp: now.toISOString(),
    data: { incident: m.incident, message: m.message },
  });
  return {
    url: channel.url,
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signStandardWebhook(channel.secret!, id, timestamp, body),
    },
    body,
  };
}

/** Retry-After in seconds or as an HTTP date, in ms from now; capped at an hour. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (!value) return undefined;
  const ms = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value) - now.getTime();
  return Number.isFinite(ms) ? Math.min(3_600_000, Math.max(0, ms)) : undefined;
}
