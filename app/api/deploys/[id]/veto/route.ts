import { db } from "@/lib/db/client";
import { redis } from "@/lib/redis";
import { route } from "@/lib/http/route";
import { deployIdParam, vetoDeployInput } from "@/lib/schemas/deploy";
import { vetoDeploy } from "@/lib/deploys/veto-deploy";
import { deployFor } from "@/lib/deploys/view";

export const dynamic = "force-dynamic";

// Keep the deploy: Backout rolls nothing back by itself for it (engineers and above, before the rollback starts).
export const POST = route(
  { role: "engineer", params: deployIdParam, body: vetoDeployInput },
  async ({ params, body, actor }) =>
    deployFor(
      actor.role,
      await vetoDeploy({ db: db(), redis: redis(), actor, deployId: params.id, reason: body.reason }),
    ),
);
