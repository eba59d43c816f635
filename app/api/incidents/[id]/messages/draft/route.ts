import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { incidentIdParam } from "@/lib/schemas/incident";
import { draftQuery } from "@/lib/schemas/message";
import { draftMessage } from "@/lib/messages/draft";

export const dynamic = "force-dynamic";

// A plan §7 template filled from the incident's live state; gaps marked "[fill in: …]".
export const GET = route(
  { role: "viewer", params: incidentIdParam, query: draftQuery },
  async ({ params, query, actor }) =>
    draftMessage({ db: db(), actor, incidentId: params.id, template: query.template }),
);
