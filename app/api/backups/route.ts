import { z } from "zod";
import { route } from "@/lib/http/route";
import { getTarget } from "@/lib/targets/load-targets";
import { listBackups } from "@/lib/steps/executors/postgres";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer", query: z.object({ target: z.string().optional() }) }, async ({ query }) => {
  const target = getTarget(query.target);
  return { target: target.name, backups: listBackups(target.postgres.backupDir).map(({ file: _f, ...b }) => b) };
});
