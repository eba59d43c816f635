import { json, route } from "@/lib/http/route";
import { getTarget } from "@/lib/targets/load-targets";
import { callTarget } from "@/lib/target-ops/http";

export const dynamic = "force-dynamic";

// plan §6.1 "API endpoints": answered by the default target, passed through unchanged.
export const GET = route({ role: "viewer" }, async () => {
  const res = await callTarget(getTarget(), "GET", "/api/analysis", "analysis");
  return json(res.body, res.status);
});
