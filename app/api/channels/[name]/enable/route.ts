import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { channelNameParam } from "@/lib/schemas/message";
import { findChannel } from "@/lib/channels/config";
import { enableChannel } from "@/lib/messages/list";

export const dynamic = "force-dynamic";

// A channel disabled after its receiver answered 410 Gone, enabled again (once its URL is fixed).
export const POST = route({ role: "admin", params: channelNameParam }, async ({ params }) => {
  if (!findChannel(params.name))
    throw new AppError("NOT_FOUND", `No channel "${params.name}" in channels.json`, {
      issues: [{ path: "name", message: "a channel from GET /api/channels" }],
    });
  return enableChannel(db(), params.name);
});
