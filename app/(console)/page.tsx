import { db } from "@/lib/db/client";
import { runbookCatalog } from "@/lib/runbooks/catalog";
import { listRuns } from "@/lib/runs/get-run";
import type { Catalog, RunListItem } from "@/components/api/types";
import { HomeClient } from "./home-client";
import { requireActor } from "@/lib/auth/current";

export const dynamic = "force-dynamic";

const RECENT_RUNS = 15;

export default async function HomePage() {
  const actor = await requireActor("/");
  const [catalog, runs] = await Promise.all([
    runbookCatalog(),
    listRuns({ db: db(), limit: RECENT_RUNS, role: actor.role }),
  ]);
  // The same JSON the API answers with (dates as strings), so the client's queries take over seamlessly.
  return (
    <HomeClient
      initialCatalog={JSON.parse(JSON.stringify(catalog)) as Catalog}
      initialRuns={JSON.parse(JSON.stringify(runs)) as RunListItem[]}
      recentRunsLimit={RECENT_RUNS}
      role={actor.role}
    />
  );
}
