import { route } from "@/lib/http/route";
import { getTarget } from "@/lib/targets/load-targets";
import { getQueueStats } from "@/lib/target-ops/queues";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer" }, async () => {
  const target = getTarget();
  return { target: target.name, queues: await getQueueStats(target) };
});
