import { route } from "@/lib/http/route";
import { pauseTargetQueues } from "@/lib/target-ops/queues";

export const POST = route({ role: "engineer", target: "of-request" }, async ({ target }) => ({
  target: target.name,
  ...(await pauseTargetQueues(target)),
}));
