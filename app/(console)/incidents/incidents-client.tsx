"use client";

import Link from "next/link";
import { useIncidents } from "@/components/api/queries";
import type { IncidentSummary, Role } from "@/components/api/types";
import { hasRole } from "@/components/auth/roles";
import { formatRelative } from "@/components/format";
import { IncidentStatusBadge, SeverityBadge } from "@/components/incidents/badges";
import { DeclareIncidentButton } from "@/components/incidents/declare-incident-dialog";
import { StartDrillButton } from "@/components/incidents/start-drill-dialog";
import { IncidentClockCompact } from "@/components/incidents/incident-clock";
import { Card } from "@/components/ui/card";
import { WatchesInProgress } from "@/components/deploys/deploy-list";
import { useNow } from "@/components/runs/use-now";

type Props = { initialIncidents: IncidentSummary[]; role: Role };

export function IncidentsClient({ initialIncidents, role }: Props) {
  const { data: incidents = initialIncidents, error } = useIncidents(initialIncidents);
  const now = useNow();
  const open = incidents.filter((i) => i.status !== "resolved");
  const resolved = incidents.filter((i) => i.status === "resolved");

  return (
    <main className="mx-auto flex max-w-5xl flex-col gap-4 px-4 py-5 sm:px-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold text-zinc-50">Incidents</h1>
        {hasRole(role, "commander") ? (
          <span className="flex gap-2">
            <StartDrillButton />
            <DeclareIncidentButton />
          </span>
        ) : (
          <span className="text-xs text-zinc-500">Commanders declare incidents.</span>
        )}
      </div>
      {error && (
        <p role="alert" className="rounded-md border border-amber-900 bg-amber-950/40 px-3 py-2 text-sm text-amber-200">
          Could not refresh incidents: {error.message}
        </p>
      )}
      <WatchesInProgress />
      <IncidentGroup title="Open" incidents={open} now={now} empty="No open incidents." />
      {resolved.length > 0 && <IncidentGroup title="Resolved" incidents={resolved} now={now} />}
    </main>
  );
}

function IncidentGroup({
  title,
  incidents,
  now,
  empty,
}: {
  title: string;
  incidents: IncidentSummary[];
  now: number;
  empty?: string;
}) {
  return (
    <section aria-label={`${title} incidents`} className="flex flex-col gap-2">
      <h2 className="text-sm font-semibold text-zinc-400">
        {title} <span className="font-normal text-zinc-600">· {incidents.length}</span>
      </h2>
      {incidents.length === 0 ? (
        <Card className="px-4 py-6 text-center text-sm text-zinc-500">{empty}</Card>
      ) : (
        <Card>
          <ul className="divide-y divide-zinc-800">
            {incidents.map((i) => (
              <li key={i.id}>
                <Link
                  href={`/incidents/${i.id}`}
                  data-testid={`incident-row-${i.id}`}
                  className="flex flex-col gap-1 px-4 py-3 hover:bg-zinc-800/40 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-sky-400 sm:flex-row sm:items-center sm:gap-3"
                >
                  <span className="flex min-w-0 flex-1 items-center gap-2">
                    <SeverityBadge severity={i.severity} />
                    <span className="truncate font-medium text-zinc-100">{i.title}</span>
                    {i.isDrill && (
                      <span
                        data-testid="drill-badge"
                        className="rounded bg-violet-900/60 px-1.5 text-xs font-semibold text-violet-200"
                      >
                        DRILL
                      </span>
                    )}
                  </span>
                  <span className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-zinc-500">
                    <IncidentStatusBadge status={i.status} />
                    <IncidentClockCompact incident={i} />
                    <span className="font-mono text-zinc-400" title="target">
                      {i.target}
                    </span>
                    <span title={new Date(i.createdAt).toLocaleString()} suppressHydrationWarning>
                      {i.declaredBy} · {formatRelative(i.createdAt, now)}
                    </span>
                    <span>
                      {i._count?.runs ?? 0} run{i._count?.runs === 1 ? "" : "s"}
                    </span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </section>
  );
}
