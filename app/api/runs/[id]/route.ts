import { db } from "@/lib/db/client";
import { redis } from "@/lib/redis";
import { route } from "@/lib/http/route";
import { runIdParam } from "@/lib/schemas/run";
import { getRun, waitingForRunner } from "@/lib/runs/get-run";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer", params: runIdParam }, async ({ params, actor }) => {
  const run = await getRun({ db: db(), runId: params.id, role: actor.role });
  return { ...run, waitingForRunner: await waitingForRunner(redis(), run) };
});
