import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { env } from "@/lib/env";
import { olderPublicIncident, publicState } from "@/lib/public/live";
import { isUuid } from "@/lib/targets/of-request";
import { StatusIncidentLive } from "@/components/status/status-live";

export const dynamic = "force-dynamic";

async function find(id: string) {
  if (!isUuid(id)) notFound();
  const { state } = await publicState().get();
  const live = [...state.incidents, ...state.recentlyResolved].find((i) => i.id === id.toLowerCase());
  // Older than the live list: read once from the record (still only its public projection).
  const incident = live ?? (await olderPublicIncident(id));
  if (!incident) notFound();
  return { state, incident, isLive: !!live };
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { incident } = await find((await params).id);
  return { title: `${incident.title} · ${env.STATUS_PAGE_NAME}` };
}

/** One incident's shareable page. */
export default async function StatusIncidentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { state, incident, isLive } = await find(id);
  return (
    <>
      {isLive && incident.status !== "resolved" && (
        <noscript>
          <meta httpEquiv="refresh" content="30" />
        </noscript>
      )}
      <Link href="/status" className="w-fit text-sm text-sky-800 underline underline-offset-2 hover:text-sky-950">
        ← All systems
      </Link>
      <h1 className="sr-only">{incident.title}</h1>
      <StatusIncidentLive initial={state} incidentId={incident.id} fallback={isLive ? null : incident} />
    </>
  );
}
