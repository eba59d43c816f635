import { route } from "@/lib/http/route";
import { callTarget } from "@/lib/target-ops/http";
import { getCheckedOut } from "@/lib/target-ops/facts";
import pkg from "@/package.json";

export const dynamic = "force-dynamic";

// plan §4.1 verification: "Check running version" of the target (the default, ?target=, or the incident's).
export const GET = route({ role: "viewer", target: "of-request" }, async ({ target }) => {
  const [running, checkedOut] = await Promise.all([
    callTarget(target, "GET", target.http.versionPath, "version").catch((e: Error) => ({
      status: 503,
      body: { error: e.message },
    })),
    getCheckedOut(target),
  ]);
  return {
    target: target.name,
    running: running.status === 200 ? running.body : null,
    ...(running.status === 200
      ? {}
      : { error: (running.body as { error?: string }).error ?? `version endpoint answered ${running.status}` }),
    checkedOut,
    backout: { version: pkg.version },
  };
});
