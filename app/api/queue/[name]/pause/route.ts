import { route } from "@/lib/http/route";
import { queueNameParam } from "@/lib/schemas/target";
import { pauseTargetQueues } from "@/lib/target-ops/queues";

export const POST = route(
  { role: "engineer", target: "of-request", params: queueNameParam },
  async ({ params, target }) => ({
    target: target.name,
    ...(await pauseTargetQueues(target, params.name)),
  }),
);
