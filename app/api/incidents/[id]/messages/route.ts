import { db } from "@/lib/db/client";
import { redis } from "@/lib/redis";
import { json, route } from "@/lib/http/route";
import { incidentIdParam } from "@/lib/schemas/incident";
import { sendMessageInput } from "@/lib/schemas/message";
import { listMessages } from "@/lib/messages/list";
import { messagesFor } from "@/lib/incidents/view";
import { sendMessage } from "@/lib/messages/send-message";

export const dynamic = "force-dynamic";

// plan §7: the messages sent for an incident, with every delivery attempt.
export const GET = route({ role: "viewer", params: incidentIdParam }, async ({ params, actor }) => ({
  messages: messagesFor(actor.role, await listMessages(db(), params.id)),
}));

// Send an edited template to channels and/or the public status page (commanders communicate).
export const POST = route(
  { role: "commander", params: incidentIdParam, body: sendMessageInput },
  async ({ params, body, actor }) =>
    json(await sendMessage({ db: db(), redis: redis(), actor, incidentId: params.id, input: body }), 201),
);
