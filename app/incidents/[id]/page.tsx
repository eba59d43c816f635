import { notFound } from "next/navigation";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { requireActor } from "@/lib/auth/current";
import { getIncident } from "@/lib/incidents/get-incident";
import { checklists } from "@/lib/plan";
import { runbookCatalog } from "@/lib/runbooks/catalog";
import type { Catalog, ChecklistJson, IncidentDetail } from "@/components/api/types";
import { IncidentClient } from "./incident-client";

export const dynamic = "force-dynamic";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function loadIncident(id: string) {
  if (!UUID.test(id)) notFound();
  try {
    return await getIncident({ db: db(), incidentId: id });
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
  const incident = await loadIncident(id);
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
