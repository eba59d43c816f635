import { notFound } from "next/navigation";
import { isUuid } from "@/lib/targets/of-request";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { requireActor } from "@/lib/auth/current";
import type { Role } from "@/lib/auth/roles";
import { getIncident } from "@/lib/incidents/get-incident";
import { checklists } from "@/lib/plan";
import { runbookCatalog } from "@/lib/runbooks/catalog";
import { loadTargets } from "@/lib/targets/load-targets";
import type { Catalog, ChecklistJson, IncidentDetail } from "@/components/api/types";
import { IncidentClient } from "./incident-client";

export const dynamic = "force-dynamic";

async function loadIncident(id: string, role: Role) {
  if (!isUuid(id)) notFound();
  try {
    return await getIncident({ db: db(), incidentId: id, role });
  } catch (e) {
    if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
    throw e;
  }
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return { title: `Incident ${id.slice(0, 8)} · Backout` };
}

export default async function IncidentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requireActor(`/incidents/${id}`);
  const incident = await loadIncident(id, actor.role);
  if (!loadTargets().targets.some((t) => t.name === incident.target))
    return <UnknownTarget title={incident.title} target={incident.target} />;
  const catalog = await runbookCatalog(incident.target);
  // The same JSON the API answers with, so the client's queries take over seamlessly.
  const json = <T,>(v: unknown) => JSON.parse(JSON.stringify(v)) as T;
  return (
    <IncidentClient
      initialIncident={json<IncidentDetail>(incident)}
      initialCatalog={json<Catalog>(catalog)}
      checklists={json<ChecklistJson[]>(checklists)}
      role={actor.role}
      actorLabel={actor.label}
    />
  );
}

// An incident about a target that targets.json no longer declares (renamed or removed): say so and
// how to get it back, rather than fail the whole page.
function UnknownTarget({ title, target }: { title: string; target: string }) {
  return (
    <main className="mx-auto flex max-w-3xl flex-col gap-3 px-4 py-8 sm:px-6">
      <h1 className="text-xl font-semibold text-zinc-50">{title}</h1>
      <p role="alert" className="rounded-md border border-amber-800 bg-amber-950/40 px-3 py-2 text-sm text-amber-100">
        This incident is about the target <code className="font-mono">{target}</code>, which the targets file no longer
        declares. Add it back (or under its old name) and restart Backout to see the incident&apos;s console again; its
        record, timeline and ticks are kept as they were.
      </p>
    </main>
  );
}
