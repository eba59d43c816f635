import { db } from "@/lib/db/client";
import { redis } from "@/lib/redis";
import { checkHealth } from "@/lib/health";
import { json, route } from "@/lib/http/route";
import { targetPools } from "@/lib/targets/load-targets";

export const dynamic = "force-dynamic";

// What an anonymous caller learns of a check that failed: what is down in plain words, never the
// driver's message (hosts, ports, paths). A token or a session gets the full errors.
const PLAIN: Record<string, string> = {
  database: "the database does not answer",
  redis: "Redis does not answer",
  worker: "no worker is alive",
};

// plan §6.1: "curl http://localhost:3001/health — Expected: 200 OK"
export const GET = route({ role: "public" }, async ({ actor }) => {
  const health = await checkHealth({ db: db(), redis: redis(), pools: targetPools({ withLocal: false }) });
  const status = health.status === "ok" ? 200 : 503;
  if (!actor) {
    // Built field by field from what anyone may see.
    const checks = Object.fromEntries(
      Object.entries(health.checks).map(([name, c]) => [
        name,
        c.ok ? { ok: true, ...(c.ms === undefined ? {} : { ms: c.ms }) } : { ok: false, error: PLAIN[name] ?? "down" },
      ]),
    );
    return json(
      {
        status: health.status,
        down: health.down,
        checks,
        ...(health.status === "ok" ? {} : { error: `down: ${health.down.map((d) => PLAIN[d] ?? d).join(", ")}` }),
      },
      status,
    );
  }
  return json(
    health.status === "ok"
      ? health
      : {
          ...health,
          error: `down: ${health.down.map((d) => `${d} (${health.checks[d as keyof typeof health.checks].error})`).join(", ")}`,
        },
    status,
  );
});
