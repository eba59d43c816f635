import { json, route } from "@/lib/http/route";
import { callTarget } from "@/lib/target-ops/http";

export const POST = route({ role: "engineer", target: "of-request" }, async ({ target }) => {
  const res = await callTarget(target, "POST", target.http.cacheWarmPath, "cache warm");
  return json({ target: target.name, result: res.body }, res.status);
});
