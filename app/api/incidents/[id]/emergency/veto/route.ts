import { db } from "@/lib/db/client";
import { redis } from "@/lib/redis";
import { route } from "@/lib/http/route";
import { incidentIdParam } from "@/lib/schemas/incident";
import { vetoDeployInput } from "@/lib/schemas/deploy";
import { vetoEmergency } from "@/lib/deploys/emergency";

export const dynamic = "force-dynamic";

// Stop the emergency rollback the autopilot scheduled for this incident (plan §11.1 under "act"),
// while its veto window is open: engineers and above.
export const POST = route(
  { role: "engineer", params: incidentIdParam, body: vetoDeployInput },
  async ({ params, body, actor }) =>
    vetoEmergency({ db: db(), redis: redis(), actor, incidentId: params.id, reason: body.reason }),
);
