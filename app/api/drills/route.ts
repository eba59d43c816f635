import { db } from "@/lib/db/client";
import { redis } from "@/lib/redis";
import { json, route } from "@/lib/http/route";
import { startDrillInput } from "@/lib/schemas/drill";
import { startDrill } from "@/lib/drills/drills";

export const dynamic = "force-dynamic";

// A practice incident on a target marked for rehearsal, optionally broken first (its bad release deployed).
export const POST = route({ role: "commander", body: startDrillInput }, async ({ body, actor }) => {
  const started = await startDrill({ db: db(), redis: redis(), actor, input: body });
  return json(started, 201, { location: `/api/incidents/${started.incidentId}` });
});
