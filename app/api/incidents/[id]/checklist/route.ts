import { db } from "@/lib/db/client";
import { redis } from "@/lib/redis";
import { route } from "@/lib/http/route";
import { incidentIdParam, tickInput } from "@/lib/schemas/incident";
import { tickItem } from "@/lib/incidents/checklist";

// Ticking is the commander's (plan §9 checkpoints); every tick is someone's and lands on the timeline.
export const POST = route(
  { role: "commander", params: incidentIdParam, body: tickInput },
  async ({ params, body, actor }) => tickItem({ db: db(), redis: redis(), actor, incidentId: params.id, ...body }),
);
