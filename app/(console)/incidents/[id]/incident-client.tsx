"use client";

import Link from "next/link";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { queryKeys, useCatalog, useIncident } from "@/components/api/queries";
import type { Catalog, ChecklistJson, IncidentDetail, Role } from "@/components/api/types";
import { hasRole } from "@/components/auth/roles";
import { AutopilotCountdown } from "@/components/deploys/autopilot-countdown";
import { formatRelative } from "@/components/format";
import { ReadOnlyNotice } from "@/components/auth/read-only-notice";
import { ChecklistsPanel } from "@/components/incidents/checklists-panel";
import { EmergencyRollback } from "@/components/incidents/emergency-rollback";
import { DecisionPanel, ResolvedDecision } from "@/components/decision/decision-panel";
import { MetricsPanel } from "@/components/metrics/metrics-panel";
import { IncidentClock } from "@/components/incidents/incident-clock";
import { IncidentControls } from "@/components/incidents/incident-controls";
import { IncidentRuns } from "@/components/incidents/incident-runs";
import { Timeline } from "@/components/incidents/timeline";
import { PeopleCard } from "@/components/incidents/people-card";
import { PublicPresence } from "@/components/incidents/public-presence";
import { CommunicatePanel, UpdateReminder, useCompose } from "@/components/messages/communicate-panel";
import { useIncidentEvents } from "@/components/incidents/use-incident-events";
import { RunbookCard } from "@/components/runbooks/runbook-card";
import { useCoalescedRefetch } from "@/components/runs/use-coalesced-refetch";
import { useNow } from "@/components/runs/use-now";
import { CachePanel } from "@/components/controls/cache-panel";
import { DatabasePanel } from "@/components/controls/database-panel";
import { InformationPanel } from "@/components/controls/information-panel";
import { QueuesPanel } from "@/components/controls/queues-panel";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { WhenVisible } from "@/components/ui/when-visible";
import { DrillBanner, DrillReport } from "@/components/incidents/drill-report";

// plan §4–5 and §11.1: what can be rolled back from an incident, in the plan's order.
const INCIDENT_RUNBOOKS = [
  "app-code",
  "queue-system",
  "cache",
  "frontend",
  "db-schema",
  "db-restore",
  "pitr-restore",
  "pitr-undo",
  "data-rollback",
  "emergency",
];

type Props = {
  initialIncident: IncidentDetail;
  initialCatalog: Catalog;
  checklists: ChecklistJson[];
  role: Role;
  actorLabel: string;
};

export function IncidentClient({ initialIncident, initialCatalog, checklists, role, actorLabel }: Props) {
  const id = initialIncident.id;
  const { data: incident = initialIncident, error } = useIncident(id, initialIncident);
  const { data: catalog = initialCatalog } = useCatalog(initialCatalog, incident.target);
  const refetch = useCoalescedRefetch(queryKeys.incident(id), 50);
  const connection = useIncidentEvents(id, refetch);
  const now = useNow();
  const titles = Object.fromEntries(catalog.runbooks.map((r) => [r.id, r.title]));
  const isCommander = hasRole(role, "commander");
  const isResolved = incident.status === "resolved";
  const compose = useCompose(incident);
  // A run or a control finished for the incident: what the panels show (backups, queue states,
  // §3 information, the runbooks' pickers) may have changed; refresh them now, not at their next poll.
  const queryClient = useQueryClient();
  const lastActionSeq = incident.timeline.filter((e) => /^(run|action)\./.test(e.type)).at(-1)?.seq;
  useEffect(() => {
    if (lastActionSeq === undefined) return;
    void queryClient.invalidateQueries({ queryKey: ["controls"] });
    void queryClient.invalidateQueries({ queryKey: queryKeys.catalog });
  }, [lastActionSeq, queryClient]);
  const affected = new Set(incident.components);
  const runbooks = INCIDENT_RUNBOOKS.map((rid) => catalog.runbooks.find((r) => r.id === rid))
    // A point-in-time restore only where the target declares it.
    .filter((r): r is NonNullable<typeof r> => !!r && !r.unavailable)
    .sort((a, b) => Number(affected.has(b.id)) - Number(affected.has(a.id)));

  return (
    <main className="mx-auto flex max-w-7xl flex-col gap-4 px-4 py-5 sm:px-6">
      <Card className="grid gap-4 p-4 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="flex min-w-0 flex-col gap-2">
          <h1 className="text-xl font-semibold break-words text-zinc-50">{incident.title}</h1>
          <IncidentControls incident={incident} canChange={isCommander} />
          <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-0.5 text-sm">
            <dt className="text-zinc-500">Detected</dt>
            <dd className="text-zinc-200" suppressHydrationWarning>
              {new Date(incident.detectedAt).toLocaleString()}{" "}
              <span className="text-zinc-500" suppressHydrationWarning>
                · {formatRelative(incident.detectedAt, now)}
              </span>
            </dd>
            <dt className="text-zinc-500">Target</dt>
            <dd className="font-mono text-zinc-200" data-testid="incident-target">
              {incident.target}
            </dd>
            <dt className="text-zinc-500">Status page</dt>
            <dd>
              {incident.isDrill ? (
                <span className="text-zinc-400">never shown: a drill</span>
              ) : incident.isPublicHeld ? (
                <span className="text-amber-200" data-testid="incident-public-held">
                  not shown yet: the autopilot declared it with no public words approved in advance; post a public
                  update to show it
                </span>
              ) : (
                <PublicPresence incident={incident} canChange={isCommander} />
              )}
            </dd>
            <dt className="text-zinc-500">Declared by</dt>
            <dd className="text-zinc-200">{incident.declaredBy}</dd>
            {incident.components.length > 0 && (
              <>
                <dt className="text-zinc-500">Affected</dt>
                <dd className="flex flex-wrap gap-1">
                  {incident.components.map((c) => (
                    <Badge key={c} className="font-mono">
                      {c}
                    </Badge>
                  ))}
                </dd>
              </>
            )}
            {incident.rollbackCompletedAt && (
              <>
                <dt className="text-zinc-500">Rolled back</dt>
                <dd className="text-zinc-200" suppressHydrationWarning>
                  {new Date(incident.rollbackCompletedAt).toLocaleTimeString()}
                </dd>
              </>
            )}
          </dl>
          {incident.symptoms && (
            <p className="max-w-prose text-sm whitespace-pre-line text-zinc-400">{incident.symptoms}</p>
          )}
        </div>
        <IncidentClock incident={incident} />
      </Card>

      {error && (
        <p role="alert" className="rounded-md border border-amber-900 bg-amber-950/40 px-3 py-2 text-sm text-amber-200">
          Could not refresh this incident: {error.message} What is shown may be out of date.
        </p>
      )}

      {incident.isDrill && <DrillBanner />}
      {incident.isDrill && (incident.status === "monitoring" || isResolved) && (
        <DrillReport incidentId={id} version={incident.timeline.length} />
      )}

      <AutopilotCountdown incidentId={id} timeline={incident.timeline} role={role} now={now} />
      <UpdateReminder incident={incident} now={now} onCompose={isCommander ? () => compose.open() : undefined} />

      {!incident.isDrill && (isResolved || incident.status === "monitoring") && (
        <p className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-zinc-800 bg-zinc-900/60 px-3 py-2 text-sm text-zinc-300">
          <span>
            Plan §8: within 24 hours of the rollback, review it. The post-mortem is written from this incident&apos;s
            record.
          </span>
          <Link
            href={`/incidents/${id}/postmortem`}
            data-testid="incident-postmortem"
            className="inline-flex h-8 items-center rounded-md bg-blue-600 px-3 text-sm text-white hover:bg-blue-500"
          >
            {isCommander ? "Write post-mortem" : "Post-mortem"}
          </Link>
        </p>
      )}

      {!isResolved && <EmergencyRollback catalog={catalog} incidentId={id} role={role} />}

      <section aria-labelledby="decision-heading" className="flex flex-col gap-2">
        <h2 id="decision-heading" className="text-base font-semibold text-zinc-100">
          Decide{" "}
          <span className="text-xs font-normal text-zinc-500">
            · plan §2,{" "}
            {incident.status === "resolved"
              ? "as recorded when the incident was resolved"
              : "from live metrics and what the commander states"}
          </span>
        </h2>
        {incident.status === "resolved" ? (
          <ResolvedDecision resolution={incident.resolution} />
        ) : (
          <DecisionPanel incidentId={id} canAct={isCommander} />
        )}
      </section>

      <section aria-labelledby="communicate-heading" className="flex flex-col gap-2">
        <h2 id="communicate-heading" className="text-base font-semibold text-zinc-100">
          Communicate{" "}
          <span className="text-xs font-normal text-zinc-500">
            · plan §7: stakeholders, the team&apos;s chat and the public status page
          </span>
        </h2>
        <CommunicatePanel incident={incident} canSend={isCommander} now={now} compose={compose} />
      </section>

      {/* The panel has its own "Metrics" heading, live state and §6.4 targets. */}
      <MetricsPanel target={incident.target} incidentId={incident.id} />

      <section aria-labelledby="controls-heading" className="flex flex-col gap-3">
        <h2 id="controls-heading" className="text-base font-semibold text-zinc-100">
          Controls{" "}
          {!hasRole(role, "engineer") && (
            <span className="text-xs font-normal text-zinc-500">· needs engineer role</span>
          )}
        </h2>
        {/* Each of these asks the target for its state: only once someone scrolls to them. */}
        <WhenVisible name="controls" minHeight={480}>
          <InformationPanel scope={{ incidentId: id }} />
          <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
            <QueuesPanel scope={{ incidentId: id }} role={role} />
            <CachePanel scope={{ incidentId: id }} role={role} catalog={catalog} />
            <DatabasePanel scope={{ incidentId: id }} role={role} />
          </div>
        </WhenVisible>
      </section>

      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <div className="flex min-w-0 flex-col gap-6">
          <section aria-labelledby="checklists-heading" className="flex flex-col gap-2">
            <h2 id="checklists-heading" className="text-base font-semibold text-zinc-100">
              Checklists {!isCommander && <span className="text-xs font-normal text-zinc-500">· commanders tick</span>}
            </h2>
            <ChecklistsPanel
              incident={incident}
              checklists={checklists}
              canTick={isCommander}
              now={now}
              actorLabel={actorLabel}
            />
          </section>

          <section aria-labelledby="run-from-heading" className="flex flex-col gap-2">
            <h2 id="run-from-heading" className="text-base font-semibold text-zinc-100">
              Run from this incident
            </h2>
            <ReadOnlyNotice role={role} />
            {isResolved ? (
              <p
                data-testid="resolved-no-runs"
                className="rounded-md border border-zinc-800 bg-zinc-900 px-3 py-2 text-sm text-zinc-400"
              >
                The incident is resolved: runs are no longer started from it.{" "}
                {isCommander ? "Set its status back to reopen it." : "A commander can reopen it."}
              </p>
            ) : (
              <p className="text-xs text-zinc-500">
                Runs started here are linked to the incident and wait for Checkpoint 1 (dry runs and backups do not).
              </p>
            )}
            {!isResolved && (
              <ul className="flex flex-col gap-3">
                {runbooks.map((r) => (
                  <li key={r.id} className="flex flex-col gap-1">
                    {affected.has(r.id) && (
                      <span className="text-xs font-medium text-amber-300">Affected component</span>
                    )}
                    <RunbookCard
                      runbook={r}
                      catalog={catalog}
                      role={role}
                      incidentId={id}
                      runTestId={`incident-run-${r.id}`}
                    />
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>

        <aside className="flex min-w-0 flex-col gap-4 lg:sticky lg:top-16 lg:max-h-[calc(100vh-5rem)] lg:self-start lg:overflow-y-auto">
          <Card>
            <h2 className="border-b border-zinc-800 px-4 py-2 text-sm font-semibold text-zinc-200">
              Runs <span className="font-normal text-zinc-500">· {incident.runs.length}</span>
            </h2>
            <IncidentRuns runs={incident.runs} titles={titles} now={now} />
          </Card>
          <Card>
            <div className="flex items-center justify-between border-b border-zinc-800 px-4 py-2">
              <h2 className="text-sm font-semibold text-zinc-200">Timeline</h2>
              <span
                className={cn(
                  "flex items-center gap-1.5 text-xs",
                  connection === "live" ? "text-emerald-400" : "text-zinc-500",
                )}
              >
                <span aria-hidden className="size-1.5 rounded-full bg-current" />
                {connection === "live" ? "live" : connection === "reconnecting" ? "reconnecting…" : "connecting…"}
              </span>
            </div>
            <Timeline entries={incident.timeline} titles={titles} now={now} />
          </Card>
          <PeopleCard incident={incident} canAssign={isCommander} />
        </aside>
      </div>
    </main>
  );
}
