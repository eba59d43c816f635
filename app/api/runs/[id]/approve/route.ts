import { db } from "@/lib/db/client";
import { principalsOf } from "@/lib/auth/roles";
import { redis } from "@/lib/redis";
import { route } from "@/lib/http/route";
import { decideInput, runIdParam } from "@/lib/schemas/run";
import { decideGate } from "@/lib/runs/decide-gate";

export const POST = route(
  { role: "commander", params: runIdParam, body: decideInput },
  async ({ params, body, actor }) =>
    decideGate({
      db: db(),
      redis: redis(),
      runId: params.id,
      decision: "approved",
      by: actor.label,
      byIds: principalsOf(actor),
      comment: body.comment,
    }),
);
