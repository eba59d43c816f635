import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { actionItemsQuery } from "@/lib/schemas/postmortem";
import { listActionItems } from "@/lib/postmortems/store";

export const dynamic = "force-dynamic";

// Action items across incidents: ?state=open (the default), done or all.
export const GET = route({ role: "viewer", query: actionItemsQuery }, async ({ query }) => ({
  actionItems: await listActionItems(db(), query.state),
}));
