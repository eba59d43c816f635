import { db } from "@/lib/db/client";
import { redis } from "@/lib/redis";
import { json, route } from "@/lib/http/route";
import { hasRole } from "@/lib/auth/roles";
import { getTarget } from "@/lib/targets/load-targets";
import { backupCare, listChecks, requestTestRestore } from "@/lib/backup-checks/store";
import { targetNameParam } from "@/lib/schemas/deploy";
import { requestTestRestore as requestBody } from "@/lib/schemas/backup-checks";

export const dynamic = "force-dynamic";

// A target's test restores (issue 17): per kind its newest backup and that one's test restore (what
// Checkpoint 1 reads), and the last ones. What each said while it ran is for engineers and up.
export const GET = route(
  { role: "viewer", params: targetNameParam, summary: "A target's newest backups and their test restores" },
  async ({ params, actor }) => {
    const target = getTarget(params.name);
    const mayReadLog = hasRole(actor.role, "engineer");
    const shown = <T extends { log: string[] }>(c: T): T => (mayReadLog ? c : { ...c, log: [] });
    const [care, recent] = await Promise.all([backupCare(db(), target), listChecks(db(), target.name)]);
    return {
      target: target.name,
      everyHours: target.postgres.testRestoreEveryHours,
      kinds: care.map((k) => ({ ...k, check: k.check && shown(k.check) })),
      recent: recent.map(shown),
    };
  },
);

export const POST = route(
  {
    role: "engineer",
    params: targetNameParam,
    body: requestBody,
    summary: "Test-restore a target's newest backup of a kind now (restored where it cannot hurt, verified, discarded)",
  },
  async ({ params, body, actor }) =>
    json(
      await requestTestRestore(db(), redis(), {
        target: getTarget(params.name),
        kind: body.kind,
        requestedBy: actor.label,
      }),
      202,
    ),
);
