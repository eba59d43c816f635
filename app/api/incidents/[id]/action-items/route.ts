import { db } from "@/lib/db/client";
import { json, route } from "@/lib/http/route";
import { incidentIdParam } from "@/lib/schemas/incident";
import { createActionItemInput } from "@/lib/schemas/postmortem";
import { createActionItem } from "@/lib/postmortems/store";

export const dynamic = "force-dynamic";

// plan §8.1 "Action Items": with an owner and a due date.
export const POST = route(
  { role: "commander", params: incidentIdParam, body: createActionItemInput },
  async ({ params, body, actor }) => json(await createActionItem(db(), params.id, actor, body), 201),
);
