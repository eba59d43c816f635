import { route } from "@/lib/http/route";
import { getTarget } from "@/lib/targets/load-targets";
import { pauseQueues } from "@/lib/target-ops/queues";

export const POST = route({ role: "engineer" }, async () => ({ target: getTarget().name, ...(await pauseQueues(getTarget())) }));
