import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { approvePublicMessage } from "@/lib/deploys/settings";
import { autopilotPublicMessageInput, targetNameParam } from "@/lib/schemas/deploy";

export const dynamic = "force-dynamic";

// What the public status page may say, approved in advance, when the autopilot declares an incident
// on the target; without it, such an incident stays off the page until a commander posts an update.
export const PUT = route(
  {
    role: "commander",
    params: targetNameParam,
    body: autopilotPublicMessageInput,
    summary: "Approve the status page's words for incidents the autopilot declares (null: say nothing)",
  },
  async ({ params, body, actor }) => approvePublicMessage(db(), actor, params.name, body.text),
);
