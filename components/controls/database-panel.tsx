"use client";

import { useNow } from "@/components/runs/use-now";
import { queryKeys } from "../api/queries";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import { api } from "../api/client";
import { isRunActive, type Backup, type Role, type RunDetail, type StartRunResponse } from "../api/types";
import { hasRole, needsRole } from "../auth/roles";
import { formatBytes, formatRelative } from "../format";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Dialog } from "../ui/dialog";
import { scopeHeaders, scopeKey, scopePath, scopeRunBody, useControlAction, type ControlScope } from "./control-api";
import { ControlErrorText, PanelHeader } from "./control-error";

type BackupList = { target: string; backups: Backup[] };

/** plan §5 database: backups (newest first), a new backup, and maintenance mode. */
export function DatabasePanel({ scope, role }: { scope: ControlScope; role: Role }) {
  const now = useNow();
  const canAct = hasRole(role, "engineer");
  const title = canAct ? undefined : needsRole("engineer");
  const backups = useQuery({
    queryKey: [...queryKeys.backups, scopeKey(scope)],
    queryFn: () => api<BackupList>(scopePath("/api/backups", scope), { headers: scopeHeaders(scope) }),
    refetchInterval: 30_000,
  });
  const backup = useControlAction<StartRunResponse>(scope, [queryKeys.backups, queryKeys.allRuns]);
  // The backup this panel started, followed until it ends: then the list shows it at once, not at its next poll.
  const startedId = backup.data?.id;
  const started = useQuery({
    queryKey: queryKeys.run(startedId ?? ""),
    queryFn: () => api<RunDetail>(`/api/runs/${startedId}`),
    enabled: !!startedId,
    refetchInterval: (q) => (q.state.data && !isRunActive(q.state.data.status) ? false : 500),
  });
  const startedStatus = started.data?.status;
  const queryClient = useQueryClient();
  useEffect(() => {
    if (startedStatus && !isRunActive(startedStatus))
      void queryClient.invalidateQueries({ queryKey: queryKeys.backups });
  }, [startedStatus, queryClient]);
  const maintenance = useControlAction(scope, [queryKeys.allInformation]);
  const [maintenanceDone, setMaintenanceDone] = useState<"on" | "off" | null>(null);
  const [confirmOn, setConfirmOn] = useState(false);
  const [which, setWhich] = useState<"on" | "off" | null>(null);

  const setMaintenance = (to: "on" | "off") => {
    setWhich(to);
    setMaintenanceDone(null);
    maintenance.mutate(
      { path: `/api/maintenance/${to === "on" ? "enable" : "disable"}` },
      {
        onSuccess: () => {
          setMaintenanceDone(to);
          setConfirmOn(false);
        },
      },
    );
  };
  const list = [...(backups.data?.backups ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));

  return (
    <Card data-testid="database-panel" className="flex min-w-0 flex-col gap-3 pb-3">
      <PanelHeader title="Database" hint={backups.data?.target ?? "plan §5"} />
      <div className="flex flex-col gap-1 px-4">
        <div className="flex flex-wrap items-center gap-2">
          <Button
            size="sm"
            data-testid="create-backup"
            disabled={!canAct}
            title={title}
            isLoading={backup.isPending}
            onClick={() => backup.mutate({ path: "/api/runs", body: { runbook: "db-backup", ...scopeRunBody(scope) } })}
          >
            Create backup
          </Button>
          {backup.data && (
            <Link
              href={`/runs/${backup.data.id}`}
              data-testid="backup-run-link"
              className="text-xs font-medium text-emerald-300 underline underline-offset-2 hover:text-emerald-100"
            >
              {!startedStatus || isRunActive(startedStatus)
                ? "Backing up… open the run →"
                : startedStatus === "succeeded"
                  ? "Backup done: open the run →"
                  : `Backup ${startedStatus.replace(/_/g, " ")}: open the run →`}
            </Link>
          )}
        </div>
        <ControlErrorText error={backup.error} testId="create-backup-error" />
      </div>

      <div className="flex flex-col gap-1 px-4">
        <h4 className="text-xs font-medium text-zinc-400">Backups</h4>
        {backups.error && <ControlErrorText error={backups.error} testId="backups-error" />}
        {backups.isPending && <p className="text-xs text-zinc-500">Loading…</p>}
        {backups.data && !list.length && <p className="text-xs text-zinc-500">No backups yet.</p>}
        {!!list.length && (
          <ul className="flex max-h-48 flex-col divide-y divide-zinc-800 overflow-y-auto rounded-md border border-zinc-800">
            {list.map((b) => (
              <li
                key={b.name}
                data-testid="backup-row"
                className="flex flex-wrap items-baseline gap-x-2 px-2 py-1 text-xs"
              >
                <span className="min-w-0 flex-1 truncate font-mono text-zinc-200" title={b.name}>
                  {b.name}
                </span>
                <span
                  className="text-zinc-400 tabular-nums"
                  title={new Date(b.createdAt).toLocaleString()}
                  suppressHydrationWarning
                >
                  {formatRelative(b.createdAt, now)}
                </span>
                <span className="text-zinc-400 tabular-nums">{formatBytes(b.bytes)}</span>
              </li>
            ))}
          </ul>
        )}
      </div>

      <div className="flex flex-col gap-1 border-t border-zinc-800 px-4 pt-3">
        <h4 className="text-xs font-medium text-zinc-400">Maintenance mode</h4>
        <div className="flex flex-wrap items-center gap-1.5">
          <Button
            size="sm"
            variant="warning"
            data-testid="maintenance-on"
            disabled={!canAct}
            title={title}
            isLoading={maintenance.isPending && which === "on"}
            onClick={() => setConfirmOn(true)}
          >
            Maintenance on
          </Button>
          <Button
            size="sm"
            data-testid="maintenance-off"
            disabled={!canAct}
            title={title}
            isLoading={maintenance.isPending && which === "off"}
            onClick={() => setMaintenance("off")}
          >
            Maintenance off
          </Button>
          {maintenanceDone && <span className="text-xs text-emerald-300">Maintenance {maintenanceDone}.</span>}
        </div>
        {!confirmOn && <ControlErrorText error={maintenance.error} testId="maintenance-error" />}
      </div>

      <Dialog
        open={confirmOn}
        onClose={() => setConfirmOn(false)}
        tone="danger"
        title="Turn maintenance mode on?"
        footer={
          <>
            <Button variant="ghost" data-autofocus onClick={() => setConfirmOn(false)}>
              Cancel
            </Button>
            <Button
              variant="warning"
              data-testid="maintenance-on-confirm"
              isLoading={maintenance.isPending}
              onClick={() => setMaintenance("on")}
            >
              Maintenance on
            </Button>
          </>
        }
      >
        <p>This stops all writes: users see the maintenance page until someone turns it off.</p>
        <ControlErrorText error={maintenance.error} className="mt-2" />
      </Dialog>
    </Card>
  );
}
