import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { runIdParam } from "@/lib/schemas/run";
import { getRun } from "@/lib/runs/get-run";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer", params: runIdParam }, async ({ params, actor }) =>
  getRun({ db: db(), runId: params.id, role: actor.role }),
);
