import { notFound } from "next/navigation";
import { isUuid } from "@/lib/targets/of-request";
import { db } from "@/lib/db/client";
import { requireActor } from "@/lib/auth/current";
import { deployFor, type DeployJson } from "@/lib/deploys/view";
import { DeployClient } from "@/components/deploys/deploy-client";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return { title: `Deploy ${id.slice(0, 8)} · Backout` };
}

export default async function DeployPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requireActor(`/deploys/${id}`);
  if (!isUuid(id)) notFound();
  const row = await db().deploy.findUnique({ where: { id } });
  if (!row) notFound();
  return (
    <DeployClient initial={JSON.parse(JSON.stringify(deployFor(actor.role, row))) as DeployJson} role={actor.role} />
  );
}
