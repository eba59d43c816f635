import { z } from "zod";
import { route } from "@/lib/http/route";
import { getTarget } from "@/lib/targets/load-targets";
import { pauseQueues } from "@/lib/target-ops/queues";

export const POST = route({ role: "engineer", params: z.object({ name: z.string().min(1) }) }, async ({ params }) => ({
  target: getTarget().name,
  ...(await pauseQueues(getTarget(), params.name)),
}));
