import { route } from "@/lib/http/route";
import { cleanFailed } from "@/lib/target-ops/queues";

// plan §4.2 step 4: clean failed jobs.
export const POST = route({ role: "engineer", target: "of-request" }, async ({ target }) => ({
  target: target.name,
  ...(await cleanFailed(target)),
}));
