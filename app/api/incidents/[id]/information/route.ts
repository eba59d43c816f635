import { route } from "@/lib/http/route";
import { incidentIdParam } from "@/lib/schemas/incident";
import { gatherInformation } from "@/lib/incidents/gather";

export const dynamic = "force-dynamic";

// plan §3 "Information to Gather", measured now for the incident's target.
export const GET = route({ role: "viewer", params: incidentIdParam }, async () => gatherInformation());
