import { db } from "@/lib/db/client";
import { json, route } from "@/lib/http/route";
import { incidentIdParam } from "@/lib/schemas/incident";
import { updatePostmortemInput } from "@/lib/schemas/postmortem";
import { getPostmortem, startPostmortem, updatePostmortem } from "@/lib/postmortems/store";

export const dynamic = "force-dynamic";

// plan §8.1: the facts from the record, the commander's words, the action items.
export const GET = route({ role: "viewer", params: incidentIdParam }, async ({ params, actor }) =>
  getPostmortem(db(), params.id, actor.role),
);

// "Write post-mortem": once per incident; proposes action items from what the record says.
export const POST = route({ role: "commander", params: incidentIdParam }, async ({ params, actor }) => {
  await startPostmortem(db(), params.id, actor);
  return json(await getPostmortem(db(), params.id, actor.role), 201, {
    location: `/api/incidents/${params.id}/postmortem`,
  });
});

// The commander's words and the status (draft → in review → published); published is final.
export const PATCH = route(
  { role: "commander", params: incidentIdParam, body: updatePostmortemInput, maxBodyBytes: 256 * 1024 },
  async ({ params, body, actor }) => {
    await updatePostmortem(db(), params.id, actor, body);
    return getPostmortem(db(), params.id, actor.role);
  },
);
