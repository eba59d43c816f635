import { notFound } from "next/navigation";
import { requireActor } from "@/lib/auth/current";
import { runbookCatalog } from "@/lib/runbooks/catalog";
import { loadTargets } from "@/lib/targets/load-targets";
import type { Catalog } from "@/components/api/types";
import { TargetClient } from "./target-client";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }) {
  return { title: `${(await params).name} · Backout` };
}

/** One target's controls (plan §3 and §4), for work outside an incident. */
export default async function TargetPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  const actor = await requireActor(`/targets/${encodeURIComponent(name)}`);
  if (!loadTargets().targets.some((t) => t.name === name)) notFound();
  const catalog = await runbookCatalog(name);
  return <TargetClient initialCatalog={JSON.parse(JSON.stringify(catalog)) as Catalog} role={actor.role} />;
}
