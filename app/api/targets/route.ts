import { route } from "@/lib/http/route";
import { loadTargets } from "@/lib/targets/load-targets";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer" }, async () => {
  const file = loadTargets();
  return { defaultTarget: file.defaultTarget, targets: file.targets.map((t) => ({ name: t.name, description: t.description })) };
});
