import { route } from "@/lib/http/route";
import { queueNameParam } from "@/lib/schemas/target";
import { resumeTargetQueues } from "@/lib/target-ops/queues";

// plan §4.2 step 8: resume queues gradually, one at a time.
export const POST = route(
  { role: "engineer", target: "of-request", params: queueNameParam },
  async ({ params, target }) => ({
    target: target.name,
    ...(await resumeTargetQueues(target, params.name)),
  }),
);
