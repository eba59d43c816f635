import { z } from "zod";
import { route } from "@/lib/http/route";
import { pauseQueues } from "@/lib/target-ops/queues";

export const POST = route({ role: "engineer", target: "of-request", params: z.object({ name: z.string().min(1) }) }, async ({ params, target }) => ({
  target: target.name,
  ...(await pauseQueues(target, params.name)),
}));
