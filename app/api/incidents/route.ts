import { db } from "@/lib/db/client";
import { redis } from "@/lib/redis";
import { json, route } from "@/lib/http/route";
import { declareIncidentInput } from "@/lib/schemas/incident";
import { declareIncident } from "@/lib/incidents/declare-incident";
import { listIncidents } from "@/lib/incidents/get-incident";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer" }, async () => ({ incidents: await listIncidents({ db: db() }) }));

export const POST = route({ role: "commander", body: declareIncidentInput }, async ({ body, actor }) => {
  const incident = await declareIncident({ db: db(), redis: redis(), actor, input: body });
  return json(incident, 201, { location: `/api/incidents/${incident.id}` });
});
