"use client";

import { useNow } from "@/components/runs/use-now";
import { scopeKey, type ControlScope } from "./control-api";
import type { QueueCounts } from "../api/types";
import { queryKeys } from "../api/queries";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { api } from "../api/client";
import { formatBytes, formatRelative } from "../format";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { ControlErrorText, PanelHeader } from "./control-error";

type Maybe<T> = { value: T } | { error: string };
export type InformationResponse = {
  target: string;
  at: string;
  deployment: Maybe<{ release: string; sha: string }>;
  lastCommits: Maybe<string[]>;
  errorCount: { value: number | null; file?: string; error?: string };
  queues: Maybe<Record<string, QueueCounts>>;
  rowCounts: Maybe<Record<string, number>>;
  memory: { freeBytes: number; totalBytes: number };
  disk: Maybe<{ freeBytes: number; totalBytes: number }>;
};

function hasValue<T>(m: Maybe<T> | undefined): m is { value: T } {
  return !!m && "value" in m;
}

/** plan §3 "Information to Gather": the six facts, each with its own error when the target cannot say. */
export function InformationPanel({ scope }: { scope: ControlScope }) {
  const now = useNow();
  const q = useQuery({
    queryKey: queryKeys.information(scopeKey(scope)),
    queryFn: () =>
      api<InformationResponse>(
        scope.incidentId
          ? `/api/incidents/${scope.incidentId}/information`
          : `/api/information?target=${encodeURIComponent(scope.target!)}`,
      ),
    staleTime: 30_000,
  });
  const d = q.data;

  return (
    <Card data-testid="information-panel">
      <PanelHeader
        title="Information to gather"
        hint={d ? `plan §3 · ${d.target} · ${formatRelative(d.at, now)}` : "plan §3"}
      >
        <Button
          size="sm"
          variant="secondary"
          onClick={() => void q.refetch()}
          isLoading={q.isFetching}
          data-testid="information-refresh"
        >
          Refresh
        </Button>
      </PanelHeader>
      {q.error && <ControlErrorText error={q.error} className="m-3" testId="information-error" />}
      {!d && q.isPending && <p className="px-4 py-3 text-sm text-zinc-500">Gathering…</p>}
      {d && (
        <dl className="grid grid-cols-1 gap-px bg-zinc-800 sm:grid-cols-2 xl:grid-cols-3">
          <Fact title="1. Current deployment version">
            {hasValue(d.deployment) ? (
              <span className="font-mono">
                {d.deployment.value.release}{" "}
                <span className="text-zinc-500">{d.deployment.value.sha.slice(0, 10)}</span>
              </span>
            ) : (
              <Err m={d.deployment} />
            )}
          </Fact>
          <Fact title="2. Last stable version" sub="last commits">
            {hasValue(d.lastCommits) ? (
              d.lastCommits.value.length ? (
                <ul className="flex flex-col gap-0.5 font-mono text-xs">
                  {d.lastCommits.value.slice(0, 5).map((c) => (
                    <li key={c} className="truncate" title={c}>
                      {c}
                    </li>
                  ))}
                </ul>
              ) : (
                <span className="text-zinc-500">no commits</span>
              )
            ) : (
              <Err m={d.lastCommits} />
            )}
          </Fact>
          <Fact title="3. Current error rate" sub="ERROR lines in the log">
            {d.errorCount.value === null ? (
              <span className="text-zinc-500">{d.errorCount.error ?? "no log to count"}</span>
            ) : (
              <span className={d.errorCount.value > 0 ? "font-semibold text-amber-300" : "text-emerald-300"}>
                {d.errorCount.value}
              </span>
            )}
            {d.errorCount.file && (
              <span className="block truncate font-mono text-xs text-zinc-500" title={d.errorCount.file}>
                {d.errorCount.file}
              </span>
            )}
          </Fact>
          <Fact title="4. Queue status">
            {hasValue(d.queues) ? (
              <ul className="flex flex-col gap-0.5 text-xs">
                {Object.entries(d.queues.value).map(([name, c]) => (
                  <li key={name} className="flex flex-wrap gap-x-2">
                    <span className="font-mono text-zinc-200">{name}</span>
                    <span className="text-zinc-400">
                      {c.waiting} waiting · {c.active} active ·{" "}
                      <span className={c.failed ? "text-red-300" : undefined}>{c.failed} failed</span>
                    </span>
                    {c.isPaused && <span className="text-amber-300">paused</span>}
                  </li>
                ))}
                {!Object.keys(d.queues.value).length && <li className="text-zinc-500">no queues</li>}
              </ul>
            ) : (
              <Err m={d.queues} />
            )}
          </Fact>
          <Fact title="5. Database state" sub="row counts">
            {hasValue(d.rowCounts) ? (
              <ul className="grid grid-cols-[minmax(0,1fr)_auto] gap-x-3 text-xs">
                {Object.entries(d.rowCounts.value).map(([table, n]) => (
                  <li key={table} className="contents">
                    <span className="truncate font-mono text-zinc-300">{table}</span>
                    <span className="text-right tabular-nums">{n.toLocaleString()}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <Err m={d.rowCounts} />
            )}
          </Fact>
          <Fact title="6. System resources" sub="memory / disk">
            <span className="block text-xs">
              Memory: {formatBytes(d.memory.freeBytes)} free of {formatBytes(d.memory.totalBytes)}
            </span>
            {hasValue(d.disk) ? (
              <span className="block text-xs">
                Disk: {formatBytes(d.disk.value.freeBytes)} free of {formatBytes(d.disk.value.totalBytes)}
              </span>
            ) : (
              <span className="block text-xs">
                Disk: <Err m={d.disk} />
              </span>
            )}
          </Fact>
        </dl>
      )}
    </Card>
  );
}

function Fact({ title, sub, children }: { title: string; sub?: string; children: ReactNode }) {
  return (
    <div className="flex min-w-0 flex-col gap-1 bg-zinc-900 px-4 py-2.5">
      <dt className="text-xs font-medium text-zinc-400">
        {title} {sub && <span className="font-normal text-zinc-600">· {sub}</span>}
      </dt>
      <dd className="min-w-0 text-sm text-zinc-100">{children}</dd>
    </div>
  );
}

function Err({ m }: { m: { error: string } | { value: unknown } }) {
  return <span className="text-xs text-red-300">{"error" in m ? m.error : "unavailable"}</span>;
}
