import { z } from "zod";
import { targetName } from "@/lib/schemas/target";
import { route } from "@/lib/http/route";
import { runbookCatalog } from "@/lib/runbooks/catalog";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer", query: z.object({ target: targetName.optional() }) }, async ({ query }) =>
  runbookCatalog(query.target),
);
