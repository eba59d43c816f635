import { db } from "@/lib/db/client";
import { redis } from "@/lib/redis";
import { route } from "@/lib/http/route";
import { incidentIdParam, updateIncidentInput } from "@/lib/schemas/incident";
import { getIncident } from "@/lib/incidents/get-incident";
import { updateIncident } from "@/lib/incidents/update-incident";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer", params: incidentIdParam }, async ({ params, actor }) =>
  getIncident({ db: db(), incidentId: params.id, role: actor.role }),
);

export const PATCH = route(
  { role: "commander", params: incidentIdParam, body: updateIncidentInput },
  async ({ params, body, actor }) =>
    updateIncident({ db: db(), redis: redis(), actor, incidentId: params.id, input: body }),
);
