import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { incidentIdParam } from "@/lib/schemas/incident";
import { actionItemLines, getPostmortem, narrativeOf } from "@/lib/postmortems/store";
import { postmortemMarkdown } from "@/lib/postmortems/markdown";

export const dynamic = "force-dynamic";

// The post-mortem as Markdown (plan §8.1's template), for the wiki or the repository.
export const GET = route({ role: "viewer", params: incidentIdParam, produces: "text/markdown" }, async ({ params, actor }) => {
  const { facts, postmortem, actionItems } = await getPostmortem(db(), params.id, actor.role);
  const text = postmortemMarkdown(facts, narrativeOf(postmortem), actionItemLines(actionItems));
  return new Response(text, {
    headers: {
      "content-type": "text/markdown; charset=utf-8",
      "content-disposition": `attachment; filename="postmortem-${facts.incident.detectedAt.slice(0, 10)}-${params.id.slice(0, 8)}.md"`,
    },
  });
});
