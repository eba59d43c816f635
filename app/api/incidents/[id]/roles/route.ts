import { db } from "@/lib/db/client";
import { redis } from "@/lib/redis";
import { route } from "@/lib/http/route";
import { incidentIdParam } from "@/lib/schemas/incident";
import { assignRoleInput } from "@/lib/schemas/message";
import { assignRole } from "@/lib/incidents/assignments";

export const dynamic = "force-dynamic";

// plan §10: who holds a role in this incident (empty person: nobody); on the timeline.
export const POST = route(
  { role: "commander", params: incidentIdParam, body: assignRoleInput },
  async ({ params, body, actor }) =>
    assignRole({ db: db(), redis: redis(), actor, incidentId: params.id, role: body.role, person: body.person }),
);
