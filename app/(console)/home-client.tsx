"use client";

import Link from "next/link";
import { useCatalog } from "@/components/api/queries";
import type { Catalog, Role, RunListItem } from "@/components/api/types";
import { ReadOnlyNotice } from "@/components/auth/read-only-notice";
import { OpenIncidentNotice } from "@/components/incidents/open-incident-notice";
import { DemoCallout } from "@/components/runbooks/demo-callout";
import { RunbookCard } from "@/components/runbooks/runbook-card";
import { RecentRuns } from "@/components/runs/recent-runs";

type Props = { initialCatalog: Catalog; initialRuns: RunListItem[]; recentRunsLimit: number; role: Role };

export function HomeClient({ initialCatalog, initialRuns, recentRunsLimit, role }: Props) {
  const { data: catalog = initialCatalog } = useCatalog(initialCatalog);
  const titles = Object.fromEntries(catalog.runbooks.map((r) => [r.id, r.title]));

  return (
    <main className="mx-auto grid max-w-7xl gap-6 px-4 py-5 sm:px-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
      <section aria-labelledby="runbooks-heading" className="flex min-w-0 flex-col gap-3">
        <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
          <h1 id="runbooks-heading" className="text-xl font-semibold text-zinc-50">
            Runbooks
          </h1>
          <p className="text-sm text-zinc-500">
            {catalog.target.description}{" "}
            <Link
              href={`/targets/${catalog.target.name}`}
              data-testid="target-controls-link"
              className="text-sky-300 underline-offset-2 hover:underline"
            >
              Queue, cache and database controls →
            </Link>
          </p>
        </div>
        <ReadOnlyNotice role={role} />
        <OpenIncidentNotice target={catalog.target.name} />
        {catalog.target.name === "demo" && <DemoCallout targetName={catalog.target.name} />}
        <ul className="flex flex-col gap-3">
          {catalog.runbooks.map((runbook) => (
            <li key={runbook.id} id={`runbook-${runbook.id}`} className="scroll-mt-20">
              <RunbookCard runbook={runbook} catalog={catalog} role={role} />
            </li>
          ))}
        </ul>
      </section>
      <aside className="min-w-0 lg:sticky lg:top-16 lg:max-h-[calc(100vh-5rem)] lg:self-start lg:overflow-y-auto">
        <RecentRuns limit={recentRunsLimit} initialRuns={initialRuns} titles={titles} />
      </aside>
    </main>
  );
}
