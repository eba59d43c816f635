import { db } from "@/lib/db/client";
import { listIncidents } from "@/lib/incidents/get-incident";
import { requireActor } from "@/lib/auth/current";
import type { IncidentSummary } from "@/components/api/types";
import { IncidentsClient } from "./incidents-client";

export const dynamic = "force-dynamic";
export const metadata = { title: "Incidents · Backout" };

export default async function IncidentsPage() {
  const actor = await requireActor("/incidents");
  const incidents = await listIncidents({ db: db() });
  return (
    <IncidentsClient initialIncidents={JSON.parse(JSON.stringify(incidents)) as IncidentSummary[]} role={actor.role} />
  );
}
