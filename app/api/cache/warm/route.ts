import { json, route } from "@/lib/http/route";
import { getTarget } from "@/lib/targets/load-targets";
import { callTarget } from "@/lib/target-ops/http";

export const POST = route({ role: "engineer" }, async () => {
  const target = getTarget();
  const res = await callTarget(target, "POST", target.http.cacheWarmPath, "cache warm");
  return json({ target: target.name, result: res.body }, res.status);
});
