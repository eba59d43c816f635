import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { actionItemIdParam, updateActionItemInput } from "@/lib/schemas/postmortem";
import { updateActionItem } from "@/lib/postmortems/store";

export const dynamic = "force-dynamic";

// Edit an action item, or mark it done (who and when are recorded).
export const PATCH = route(
  { role: "commander", params: actionItemIdParam, body: updateActionItemInput },
  async ({ params, body, actor }) => updateActionItem(db(), params.id, actor, body),
);
