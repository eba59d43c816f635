import { z } from "zod";
import { db } from "@/lib/db/client";
import { json, route } from "@/lib/http/route";
import { announceDeployInput } from "@/lib/schemas/deploy";
import { targetName } from "@/lib/schemas/target";
import { ACTIVE_DEPLOY_STATUSES, announceDeploy } from "@/lib/deploys/announce-deploy";
import { deployFor } from "@/lib/deploys/view";

export const dynamic = "force-dynamic";

// A deploy has ended (CI says so): Backout watches the target against its readings before it and,
// under the target's autopilot policy, rolls a bad one back (issue 16).
export const POST = route(
  {
    role: "engineer",
    deployers: true,
    body: announceDeployInput,
    summary: "Announce a deploy that has ended: it is watched and judged",
  },
  async ({ body, actor }) => json(deployFor(actor.role, await announceDeploy({ db: db(), actor, input: body })), 201),
);

export const GET = route(
  {
    role: "viewer",
    deployers: true,
    query: z.object({
      target: targetName.optional(),
      limit: z.coerce.number({ error: "limit: a number from 1 to 200" }).int().min(1).max(200).default(50),
      // true: only the deploys still watched or rolled back.
      active: z.enum(["true", "false"], { error: 'active: "true" or "false"' }).optional(),
    }),
  },
  async ({ query, actor }) => ({
    deploys: (
      await db().deploy.findMany({
        where: {
          ...(query.target ? { target: query.target } : {}),
          ...(query.active === "true" ? { status: { in: [...ACTIVE_DEPLOY_STATUSES] } } : {}),
        },
        orderBy: { createdAt: "desc" },
        take: query.limit,
      })
    ).map((d) => deployFor(actor.role, d)),
  }),
);
