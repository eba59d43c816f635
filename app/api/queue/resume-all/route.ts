import { route } from "@/lib/http/route";
import { resumeTargetQueues } from "@/lib/target-ops/queues";

export const POST = route({ role: "engineer", target: "of-request" }, async ({ target }) => ({
  target: target.name,
  ...(await resumeTargetQueues(target)),
}));
