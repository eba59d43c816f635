import { db } from "@/lib/db/client";
import { redis } from "@/lib/redis";
import { route } from "@/lib/http/route";
import { decideInput, runIdParam } from "@/lib/schemas/run";
import { cancelRun } from "@/lib/runs/cancel-run";

export const POST = route(
  { role: "engineer", params: runIdParam, body: decideInput.pick({}) },
  async ({ params, actor }) => cancelRun({ db: db(), redis: redis(), runId: params.id, by: actor.label }),
);
