import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { incidentIdParam } from "@/lib/schemas/incident";
import { drillReport } from "@/lib/drills/drills";

export const dynamic = "force-dynamic";

// A drill's report: time per step and per checkpoint, the total against the severity's target, what was slow.
export const GET = route({ role: "viewer", params: incidentIdParam }, async ({ params }) =>
  drillReport(db(), params.id),
);
