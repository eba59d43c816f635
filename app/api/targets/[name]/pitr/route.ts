import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { measuredReplayRate } from "@/lib/backup-checks/store";
import { getTarget } from "@/lib/targets/load-targets";
import { pitrOf } from "@/lib/target-ops/pitr";
import { targetNameParam } from "@/lib/schemas/deploy";
import { pitrQuery } from "@/lib/schemas/pitr";

export const dynamic = "force-dynamic";

// A target's point-in-time recovery (issue 17): the recoverable range, and with ?at= whether that
// moment can be restored to (422 naming the range when not) and how long it should take.
export const GET = route(
  {
    role: "viewer",
    params: targetNameParam,
    query: pitrQuery,
    summary: "What a target's point-in-time recovery can reach, and the estimate for a moment",
  },
  async ({ params, query }) =>
    pitrOf(
      getTarget(params.name),
      query.at ? { at: new Date(query.at), replayRate: await measuredReplayRate(db(), params.name) } : {},
    ),
);
