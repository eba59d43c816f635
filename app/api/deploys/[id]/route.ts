import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { deployIdParam } from "@/lib/schemas/deploy";
import { deployFor } from "@/lib/deploys/view";

export const dynamic = "force-dynamic";

// One deploy: its watch, its verdict with the measured values behind it, and what Backout did.
export const GET = route({ role: "viewer", deployers: true, params: deployIdParam }, async ({ params, actor }) => {
  const d = await db().deploy.findUnique({ where: { id: params.id } });
  if (!d) throw new AppError("NOT_FOUND", `Deploy ${params.id} not found; GET /api/deploys lists them`);
  return deployFor(actor.role, d);
});
