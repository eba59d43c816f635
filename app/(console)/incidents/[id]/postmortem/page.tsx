import { notFound } from "next/navigation";
import { isUuid } from "@/lib/targets/of-request";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { requireActor } from "@/lib/auth/current";
import { getPostmortem } from "@/lib/postmortems/store";
import { PostmortemClient, type PostmortemJson } from "./postmortem-client";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return { title: `Post-mortem ${id.slice(0, 8)} · Backout` };
}

// plan §8.1: the post-mortem of an incident, facts from the record beside the commander's words.
export default async function PostmortemPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requireActor(`/incidents/${id}/postmortem`);
  if (!isUuid(id)) notFound();
  let data;
  try {
    data = await getPostmortem(db(), id, actor.role);
  } catch (e) {
    if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
    throw e;
  }
  return <PostmortemClient initial={JSON.parse(JSON.stringify(data)) as PostmortemJson} role={actor.role} />;
}
