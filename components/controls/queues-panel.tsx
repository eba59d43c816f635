"use client";

import { queryKeys } from "../api/queries";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../api/client";
import type { Role, QueueCounts } from "../api/types";
import { hasRole, needsRole } from "../auth/roles";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Dialog } from "../ui/dialog";
import { scopeHeaders, scopeKey, scopePath, useControlAction, type ControlScope } from "./control-api";
import { ControlErrorText, PanelHeader } from "./control-error";

type QueueStats = { target: string; queues: Record<string, QueueCounts> };

export function QueuesPanel({ scope, role }: { scope: ControlScope; role: Role }) {
  const canAct = hasRole(role, "engineer");
  const title = canAct ? undefined : needsRole("engineer");
  const stats = useQuery({
    queryKey: [...queryKeys.queueStats, scopeKey(scope)],
    queryFn: () => api<QueueStats>(scopePath("/api/queue/stats", scope), { headers: scopeHeaders(scope) }),
    refetchInterval: 5_000,
  });
  const action = useControlAction(scope, [queryKeys.queueStats, queryKeys.allInformation]);
  const [confirmClean, setConfirmClean] = useState(false);
  // Which control sent the last request, so its error shows next to it.
  const [last, setLast] = useState<string | null>(null);

  const run = (key: string, path: string, after?: () => void) => {
    setLast(key);
    action.mutate({ path }, { onSuccess: after });
  };
  const busy = (key: string) => action.isPending && last === key;
  const errorFor = (key: string) => (last === key ? action.error : null);
  const queues = Object.entries(stats.data?.queues ?? {});
  const totalFailed = queues.reduce((n, [, c]) => n + c.failed, 0);

  return (
    <Card data-testid="queues-panel" className="flex min-w-0 flex-col">
      <PanelHeader title="Queues" hint={stats.data ? stats.data.target : "plan §4.2"} />
      <div className="flex flex-wrap gap-1.5 px-4 pt-3">
        <Button
          size="sm"
          variant="warning"
          data-testid="pause-all"
          disabled={!canAct}
          title={title}
          isLoading={busy("pause-all")}
          onClick={() => run("pause-all", "/api/queue/pause-all")}
        >
          Pause all
        </Button>
        <Button
          size="sm"
          data-testid="resume-all"
          disabled={!canAct}
          title={title}
          isLoading={busy("resume-all")}
          onClick={() => run("resume-all", "/api/queue/resume-all")}
        >
          Resume all
        </Button>
        <Button
          size="sm"
          variant="ghost"
          data-testid="clean-failed"
          disabled={!canAct}
          title={title}
          isLoading={busy("clean-failed")}
          onClick={() => setConfirmClean(true)}
        >
          Clean failed
        </Button>
      </div>
      {["pause-all", "resume-all", "clean-failed"].map((k) => (
        <ControlErrorText key={k} error={errorFor(k)} testId={`${k}-error`} className="mx-4 mt-2" />
      ))}
      <p className="px-4 pt-2 text-xs text-zinc-500">
        plan §4.2 step 8: resume gradually: one queue, wait and watch the failed count, then the next. “Resume all” is
        for when that is not needed. Each job, its error and a retry:{" "}
        <a
          href="/admin/queues"
          target="_blank"
          rel="noopener"
          data-testid="bull-board-link"
          className="text-sky-300 underline underline-offset-2 hover:text-sky-200"
        >
          Bull Board
        </a>
        .
      </p>
      {stats.error && <ControlErrorText error={stats.error} testId="queues-error" className="mx-4 mt-2" />}
      <ul className="flex flex-col divide-y divide-zinc-800 px-4 py-2">
        {stats.isPending && <li className="py-1.5 text-sm text-zinc-500">Loading…</li>}
        {!stats.isPending && !queues.length && !stats.error && (
          <li className="py-1.5 text-sm text-zinc-500">No queues.</li>
        )}
        {queues.map(([name, c]) => {
          const key = `q-${name}`;
          return (
            <li key={name} data-testid={`queue-row-${name}`} className="flex flex-col gap-1 py-2">
              <div className="flex flex-wrap items-center gap-2">
                <span className="min-w-0 truncate font-mono text-sm text-zinc-100">{name}</span>
                {c.isPaused ? <Badge tone="amber">paused</Badge> : <Badge tone="green">running</Badge>}
                <span className="ml-auto">
                  {c.isPaused ? (
                    <Button
                      size="sm"
                      data-testid={`resume-${name}`}
                      disabled={!canAct}
                      title={title}
                      isLoading={busy(key)}
                      onClick={() => run(key, `/api/queue/${encodeURIComponent(name)}/resume`)}
                    >
                      Resume
                    </Button>
                  ) : (
                    <Button
                      size="sm"
                      data-testid={`pause-${name}`}
                      disabled={!canAct}
                      title={title}
                      isLoading={busy(key)}
                      onClick={() => run(key, `/api/queue/${encodeURIComponent(name)}/pause`)}
                    >
                      Pause
                    </Button>
                  )}
                </span>
              </div>
              <p className="flex flex-wrap gap-x-2.5 text-xs text-zinc-400 tabular-nums">
                <span>{c.waiting} waiting</span>
                <span>{c.active} active</span>
                <span>{c.delayed} delayed</span>
                <span>{c.prioritized} prioritized</span>
                <span>{c.completed} done</span>
                <span className={c.failed ? "text-red-300" : undefined}>{c.failed} failed</span>
              </p>
              <ControlErrorText error={errorFor(key)} testId={`queue-error-${name}`} />
            </li>
          );
        })}
      </ul>
      <Dialog
        open={confirmClean}
        onClose={() => setConfirmClean(false)}
        title="Clean failed jobs?"
        footer={
          <>
            <Button variant="ghost" data-autofocus onClick={() => setConfirmClean(false)}>
              Cancel
            </Button>
            <Button
              variant="warning"
              data-testid="clean-failed-confirm"
              isLoading={busy("clean-failed")}
              onClick={() => run("clean-failed", "/api/queue/clean-all", () => setConfirmClean(false))}
            >
              Clean failed jobs
            </Button>
          </>
        }
      >
        Removes the failed jobs{stats.data ? ` (${totalFailed} now)` : ""} from every queue on{" "}
        {stats.data?.target ?? "the target"}. They cannot be retried afterwards.
        <ControlErrorText error={errorFor("clean-failed")} className="mt-2" />
      </Dialog>
    </Card>
  );
}
