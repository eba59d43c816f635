import { route } from "@/lib/http/route";
import { listBackups } from "@/lib/target-ops/backups";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer", target: "of-request" }, async ({ target }) => {
  return { target: target.name, backups: listBackups(target.postgres.backupDir).map(({ file: _f, ...b }) => b) };
});
