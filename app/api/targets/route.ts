import { route } from "@/lib/http/route";
import { hasRole } from "@/lib/auth/roles";
import { loadTargets } from "@/lib/targets/load-targets";
import { describeTarget } from "@/lib/targets/describe";
import { env } from "@/lib/env";

export const dynamic = "force-dynamic";

// Everyone may list the targets; an admin also sees how each one is configured (passwords hidden).
export const GET = route({ role: "viewer" }, async ({ actor }) => {
  const file = loadTargets();
  const isAdmin = hasRole(actor.role, "admin");
  // Each target's runner pool; how many runners serve each pool now is on /health.
  return {
    defaultTarget: file.defaultTarget,
    ...(isAdmin ? { file: env.BACKOUT_TARGETS_FILE } : {}),
    targets: file.targets.map((t) =>
      isAdmin
        ? { name: t.name, description: t.description, runnerPool: t.runnerPool, config: describeTarget(t) }
        : { name: t.name, description: t.description, runnerPool: t.runnerPool },
    ),
  };
});
