import { notFound } from "next/navigation";
import { isUuid } from "@/lib/targets/of-request";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { findRunbook } from "@/lib/runbooks";
import { getRun } from "@/lib/runs/get-run";
import type { RunDetail } from "@/components/api/types";
import { RunClient } from "./run-client";
import { requireActor } from "@/lib/auth/current";
import type { Role } from "@/lib/auth/roles";

export const dynamic = "force-dynamic";

async function loadRun(id: string, role: Role) {
  if (!isUuid(id)) notFound();
  try {
    return await getRun({ db: db(), runId: id, role });
  } catch (e) {
    if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
    throw e;
  }
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return { title: `Run ${id.slice(0, 8)} · Backout` };
}

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requireActor(`/runs/${id}`);
  const run = await loadRun(id, actor.role);
  const runbook = findRunbook(run.runbook);
  return (
    <RunClient
      initialRun={JSON.parse(JSON.stringify(run)) as RunDetail}
      runbook={{ title: runbook?.title ?? run.runbook, planSection: runbook?.planSection }}
      role={actor.role}
    />
  );
}
