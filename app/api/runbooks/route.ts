import { z } from "zod";
import { route } from "@/lib/http/route";
import { runbookCatalog } from "@/lib/runbooks/catalog";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer", query: z.object({ target: z.string().optional() }) }, async ({ query }) => runbookCatalog(query.target));
