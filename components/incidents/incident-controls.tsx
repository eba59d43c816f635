"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { severities } from "@/lib/plan";
import { api } from "../api/client";
import { queryKeys } from "../api/queries";
import { INCIDENT_STATUSES, type IncidentDetail, type IncidentStatus, type SeverityLevel } from "../api/types";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Input, Select } from "../ui/field";
import { IncidentStatusBadge, SeverityBadge, statusLabel } from "./badges";

type Patch = { severity?: SeverityLevel; status?: IncidentStatus; reason?: string };

function usePatchIncident(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Patch) => api<unknown>(`/api/incidents/${id}`, { method: "PATCH", body }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.incident(id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.incidents });
    },
  });
}

/** Severity and status: badges for everyone, pickers for commanders (severity asks why). */
export function IncidentControls({ incident, canChange }: { incident: IncidentDetail; canChange: boolean }) {
  const patch = usePatchIncident(incident.id);
  const [nextSeverity, setNextSeverity] = useState<SeverityLevel | null>(null);
  const [reason, setReason] = useState("");

  if (!canChange) {
    return (
      <div className="flex flex-wrap items-center gap-2">
        <SeverityBadge severity={incident.severity} size="lg" testId="incident-severity" />
        <IncidentStatusBadge status={incident.status} size="lg" testId="incident-status" />
      </div>
    );
  }

  return (
    <div className="flex flex-wrap items-center gap-2">
      <SeverityBadge severity={incident.severity} size="lg" />
      <label className="sr-only" htmlFor="incident-severity">
        Severity
      </label>
      <Select
        id="incident-severity"
        data-testid="incident-severity"
        className="max-w-full min-w-0"
        value={incident.severity}
        disabled={patch.isPending}
        onChange={(e) => {
          setReason("");
          setNextSeverity(e.target.value as SeverityLevel);
        }}
      >
        {severities.map((s) => (
          <option key={s.level} value={s.level}>
            {s.level} · {s.description}
          </option>
        ))}
      </Select>
      <label className="sr-only" htmlFor="incident-status">
        Status
      </label>
      <Select
        id="incident-status"
        data-testid="incident-status"
        className="max-w-full min-w-0"
        value={incident.status}
        disabled={patch.isPending}
        onChange={(e) => patch.mutate({ status: e.target.value as IncidentStatus })}
      >
        {INCIDENT_STATUSES.map((s) => (
          <option key={s} value={s}>
            {statusLabel[s]}
          </option>
        ))}
      </Select>
      {patch.error && (
        <span role="alert" className="text-xs text-red-300">
          {patch.error.message}
        </span>
      )}
      <Dialog open={!!nextSeverity} onClose={() => setNextSeverity(null)} title={`Change severity ${incident.severity} → ${nextSeverity ?? ""}?`}>
        <form
          className="flex flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            if (!nextSeverity || !reason.trim()) return;
            patch.mutate({ severity: nextSeverity, reason: reason.trim() }, { onSuccess: () => setNextSeverity(null) });
          }}
        >
          {nextSeverity && (
            <p className="text-zinc-400">
              {severities.find((s) => s.level === nextSeverity)?.action}; target {severities.find((s) => s.level === nextSeverity)?.timeline} from detection. The clock follows the new severity.
            </p>
          )}
          <label className="flex flex-col gap-1">
            <span className="text-xs font-medium text-zinc-400">Reason (recorded on the timeline)</span>
            <Input data-testid="severity-reason" data-autofocus value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} className="h-10" placeholder="Checkout now failing for all users" />
          </label>
          <div className="flex justify-end gap-2">
            <Button variant="ghost" onClick={() => setNextSeverity(null)}>
              Cancel
            </Button>
            <Button type="submit" variant="warning" data-testid="severity-save" disabled={!reason.trim()} isLoading={patch.isPending}>
              Change severity
            </Button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}
