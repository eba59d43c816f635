import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { getTarget } from "@/lib/targets/load-targets";
import { autopilotOf, setAutopilotPolicy } from "@/lib/deploys/settings";
import { setAutopilotPolicyInput, targetNameParam } from "@/lib/schemas/deploy";

export const dynamic = "force-dynamic";

// A target's autopilot (issue 16): what Backout does by itself when a deploy fails its watch.
export const GET = route({ role: "viewer", params: targetNameParam }, async ({ params }) =>
  autopilotOf(db(), getTarget(params.name)),
);

export const PUT = route(
  {
    role: "admin",
    params: targetNameParam,
    body: setAutopilotPolicyInput,
    summary: "Change a target's autopilot policy (null: back to targets.json's)",
  },
  async ({ params, body, actor }) => setAutopilotPolicy(db(), actor, params.name, body.policy),
);
