import { db } from "@/lib/db/client";
import { redis } from "@/lib/redis";
import { route } from "@/lib/http/route";
import { decisionInput, incidentIdParam } from "@/lib/schemas/incident";
import { incidentDecision, recordDecisionInput } from "@/lib/incidents/decision";

export const dynamic = "force-dynamic";

// plan §2 for this incident now: yes / maybe / no with the matched rows and why, and the flowchart walk.
export const GET = route({ role: "viewer", params: incidentIdParam }, async ({ params }) =>
  incidentDecision({ db: db(), incidentId: params.id }),
);

// The commander states facts, answers a flowchart question or starts the 5-minute quick fix.
export const POST = route(
  { role: "commander", params: incidentIdParam, body: decisionInput },
  async ({ params, body, actor }) =>
    recordDecisionInput({ db: db(), redis: redis(), actor, incidentId: params.id, update: body }),
);
