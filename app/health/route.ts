import { db } from "@/lib/db/client";
import { redis } from "@/lib/redis";
import { checkHealth } from "@/lib/health";
import { json, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

// plan §6.1: "curl http://localhost:3001/health — Expected: 200 OK"
export const GET = route({ role: "public" }, async () => {
  const health = await checkHealth({ db: db(), redis: redis() });
  return json(
    health.status === "ok" ? health : { ...health, error: `down: ${health.down.map((d) => `${d} (${health.checks[d as keyof typeof health.checks].error})`).join(", ")}` },
    health.status === "ok" ? 200 : 503,
  );
});
