import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { AppError } from "@/lib/errors";
import { incidentIdParam } from "@/lib/schemas/incident";
import { gatherInformation } from "@/lib/target-ops/information";
import { informationFor } from "@/lib/incidents/gather";
import { getTarget } from "@/lib/targets/load-targets";

export const dynamic = "force-dynamic";

// plan §3 "Information to Gather", about the incident's target.
export const GET = route({ role: "viewer", params: incidentIdParam }, async ({ params, actor }) => {
  const incident = await db().incident.findUnique({ where: { id: params.id }, select: { target: true } });
  if (!incident) throw new AppError("NOT_FOUND", `Incident ${params.id} not found`);
  return informationFor(actor.role, await gatherInformation(getTarget(incident.target)));
});
