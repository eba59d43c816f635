import { json, route } from "@/lib/http/route";
import { callTarget } from "@/lib/target-ops/http";

export const dynamic = "force-dynamic";

// plan §6.1 "API endpoints": answered by the target (the default, ?target=, or the incident's), passed through unchanged.
export const GET = route({ role: "viewer", target: "of-request" }, async ({ target }) => {
  const res = await callTarget(target, "GET", "/api/analysis", "analysis");
  return json(res.body, res.status);
});
