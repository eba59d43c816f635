import { z } from "zod";
import { route } from "@/lib/http/route";
import { resumeQueues } from "@/lib/target-ops/queues";

// plan §4.2 step 8: resume queues gradually, one at a time.
export const POST = route({ role: "engineer", target: "of-request", params: z.object({ name: z.string().min(1) }) }, async ({ params, target }) => ({
  target: target.name,
  ...(await resumeQueues(target, params.name)),
}));
