import Link from "next/link";
import type { IncidentRun } from "../api/types";
import { formatParams, formatRelative } from "../format";
import { Badge } from "../ui/badge";
import { RunStatusBadge } from "../runs/status";

export function IncidentRuns({
  runs,
  titles,
  now,
}: {
  runs: IncidentRun[];
  titles: Record<string, string>;
  now: number;
}) {
  if (!runs.length) return <p className="px-4 py-3 text-sm text-zinc-500">No runs from this incident yet.</p>;
  return (
    <ul data-testid="incident-runs" className="divide-y divide-zinc-800">
      {runs.map((r) => (
        <li key={r.id}>
          <Link
            href={`/runs/${r.id}`}
            data-testid={`incident-run-link-${r.id}`}
            className="flex flex-col gap-0.5 px-4 py-2 hover:bg-zinc-800/40 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-sky-400"
          >
            <span className="flex items-center gap-2">
              <span className="min-w-0 flex-1 truncate text-sm font-medium text-zinc-100">
                {titles[r.runbook] ?? r.runbook}
              </span>
              {r.isDryRun && <Badge>dry run</Badge>}
              <RunStatusBadge status={r.status} />
            </span>
            <span className="truncate text-xs text-zinc-500" suppressHydrationWarning>
              {r.requestedBy} · {formatRelative(r.createdAt, now)}
              {formatParams(r.params) && <span className="font-mono"> · {formatParams(r.params)}</span>}
            </span>
            {r.error && <span className="truncate font-mono text-xs text-red-300/80">{r.error}</span>}
          </Link>
        </li>
      ))}
    </ul>
  );
}
