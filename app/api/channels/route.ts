import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { listChannels } from "@/lib/messages/list";

export const dynamic = "force-dynamic";

// The channels of channels.json: names and purpose only (URLs and secrets stay on the server).
export const GET = route({ role: "viewer" }, async () => ({ channels: await listChannels(db()) }));
