import { route } from "@/lib/http/route";
import { getTarget } from "@/lib/targets/load-targets";
import { cleanFailed } from "@/lib/target-ops/queues";

// plan §4.2 step 4: clean failed jobs.
export const POST = route({ role: "engineer" }, async () => ({ target: getTarget().name, ...(await cleanFailed(getTarget())) }));
