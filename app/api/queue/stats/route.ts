import { route } from "@/lib/http/route";
import { getQueueStats } from "@/lib/target-ops/queues";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer", target: "of-request" }, async ({ target }) => {
  return { target: target.name, queues: await getQueueStats(target) };
});
