"use client";

import Link from "next/link";
import { useCatalog, useHealth, useTargets } from "@/components/api/queries";
import type { Catalog, Role, RunnersDetail } from "@/components/api/types";
import { hasRole } from "@/components/auth/roles";
import { CachePanel } from "@/components/controls/cache-panel";
import { DatabasePanel } from "@/components/controls/database-panel";
import { InformationPanel } from "@/components/controls/information-panel";
import { QueuesPanel } from "@/components/controls/queues-panel";
import { OpenIncidentNotice } from "@/components/incidents/open-incident-notice";
import { AutopilotPanel } from "@/components/deploys/autopilot-panel";
import { PitrPanel } from "@/components/pitr/pitr-panel";
import { TestRestoresPanel } from "@/components/backups/test-restores-panel";

/**
 * The plan's §3 and §4 controls on one target, without an incident: the same panels an incident
 * page has, acting on this target (?target=). What is done here is audited; when an incident is open
 * on the target, the notice says so, and runs started here land on its timeline.
 */
export function TargetClient({ initialCatalog, role }: { initialCatalog: Catalog; role: Role }) {
  const name = initialCatalog.target.name;
  const { data: catalog = initialCatalog } = useCatalog(initialCatalog, name);
  const scope = { target: name };
  return (
    <main className="mx-auto flex max-w-7xl flex-col gap-4 px-4 py-5 sm:px-6">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h1 className="text-xl font-semibold text-zinc-50">
          Target <span className="font-mono">{name}</span>
        </h1>
        <p className="text-sm text-zinc-500">{catalog.target.description}</p>
      </div>
      <OpenIncidentNotice target={name} />
      <RunnerPool target={name} />
      <p className="text-sm text-zinc-400">
        Queues, cache and database controls for plan §4 work outside an incident.{" "}
        {!hasRole(role, "engineer") && "Using them needs the engineer role. "}
        Runbooks are on{" "}
        <Link href="/" className="text-sky-300 underline-offset-2 hover:underline">
          the Runbooks page
        </Link>
        .
      </p>
      <AutopilotPanel target={name} role={role} />
      <InformationPanel scope={scope} />
      <div className="grid gap-4 lg:grid-cols-2">
        <TestRestoresPanel target={name} role={role} />
        <PitrPanel target={name} />
      </div>
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        <QueuesPanel scope={scope} role={role} />
        <CachePanel scope={scope} role={role} catalog={catalog} />
        <DatabasePanel scope={scope} role={role} />
      </div>
    </main>
  );
}

/** Which runner pool acts on this target, and how many of its runners are alive now (from /health). */
function RunnerPool({ target }: { target: string }) {
  const pool = useTargets().data?.targets.find((t) => t.name === target)?.runnerPool;
  const detail = useHealth().data?.checks?.worker?.detail as RunnersDetail | undefined;
  if (!pool) return null;
  const live = detail?.pools?.[pool];
  return (
    <p
      data-testid="target-runner-pool"
      className={
        live === 0
          ? "rounded-md border border-amber-800 bg-amber-950/50 px-3 py-2 text-sm text-amber-100"
          : "text-sm text-zinc-400"
      }
    >
      Runs on runner pool <span className="font-mono">{pool}</span>
      {live === undefined ? (
        "."
      ) : live === 0 ? (
        <>
          : no runner is alive, so runs on this target wait. Start one on a host that can act on it:{" "}
          <code className="rounded bg-black/30 px-1 font-mono text-xs">npm run worker -- --pool {pool}</code>
        </>
      ) : (
        ` · ${live} live ${live === 1 ? "runner" : "runners"}.`
      )}
    </p>
  );
}
