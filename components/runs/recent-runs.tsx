"use client";

import Link from "next/link";
import { useRecentRuns } from "../api/queries";
import type { RunListItem } from "../api/types";
import { formatDuration, formatParams, formatRelative } from "../format";
import { Badge } from "../ui/badge";
import { Card } from "../ui/card";
import { RunStatusBadge } from "./status";
import { useNow } from "./use-now";

type Props = { limit?: number; initialRuns?: RunListItem[]; titles?: Record<string, string> };

/** The latest runs, newest first, refreshed every few seconds. */
export function RecentRuns({ limit = 15, initialRuns, titles = {} }: Props) {
  const { data: runs, error } = useRecentRuns(limit, initialRuns);
  const now = useNow();

  return (
    <Card className="flex flex-col">
      <h2 className="border-b border-zinc-800 px-4 py-2.5 text-sm font-semibold text-zinc-200">Recent runs</h2>
      {error && <p className="px-4 py-2 text-sm text-red-300">Could not load runs: {error.message}</p>}
      {runs && !runs.length && (
        <p className="px-4 py-6 text-sm text-zinc-500">No runs yet. Start one from a runbook.</p>
      )}
      <ul className="flex flex-col divide-y divide-zinc-800/80">
        {runs?.map((run) => {
          const took =
            run.startedAt && run.finishedAt
              ? new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime()
              : null;
          const params = formatParams(run.params);
          return (
            <li key={run.id}>
              <Link
                href={`/runs/${run.id}`}
                className="flex flex-col gap-1 px-4 py-2.5 hover:bg-zinc-800/50 focus-visible:bg-zinc-800/60 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-sky-400"
              >
                <div className="flex items-center justify-between gap-2">
                  <span className="truncate text-sm font-medium text-zinc-100">
                    {titles[run.runbook] ?? run.runbook}
                  </span>
                  <RunStatusBadge status={run.status} />
                </div>
                <div className="flex flex-wrap items-center gap-x-2 gap-y-0.5 text-xs text-zinc-500">
                  {run.isDryRun && <Badge tone="violet">dry run</Badge>}
                  <span className="font-mono text-zinc-400">{run.target}</span>
                  {params && <span className="min-w-0 font-mono break-all text-zinc-400">{params}</span>}
                  <time
                    dateTime={run.createdAt}
                    title={new Date(run.createdAt).toLocaleString()}
                    suppressHydrationWarning
                  >
                    {formatRelative(run.createdAt, now)}
                  </time>
                  {took !== null && !run.isDryRun && <span>· took {formatDuration(took)}</span>}
                </div>
                {run.error && run.status !== "succeeded" && (
                  <p className="truncate text-xs text-red-300/80">{run.error}</p>
                )}
              </Link>
            </li>
          );
        })}
      </ul>
    </Card>
  );
}
