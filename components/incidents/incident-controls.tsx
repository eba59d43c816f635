"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { checklists, severities, untickedPostRollbackItems } from "@/lib/plan";
import { api } from "../api/client";
import { queryKeys } from "../api/queries";
import { INCIDENT_STATUSES, type IncidentDetail, type IncidentStatus, type SeverityLevel } from "../api/types";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Input, Select } from "../ui/field";
import { IncidentStatusBadge, SeverityBadge, statusLabel } from "./badges";

type Patch = {
  severity?: SeverityLevel;
  status?: IncidentStatus;
  reason?: string;
  summary?: string;
  confirmUnticked?: boolean;
};

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
  const [isResolving, setIsResolving] = useState(false);

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
        onChange={(e) => {
          const status = e.target.value as IncidentStatus;
          if (status === "resolved") setIsResolving(true);
          else patch.mutate({ status });
        }}
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
      <ResolveDialog incident={incident} open={isResolving} onClose={() => setIsResolving(false)} />
      <Dialog
        open={!!nextSeverity}
        onClose={() => setNextSeverity(null)}
        title={`Change severity ${incident.severity} → ${nextSeverity ?? ""}?`}
      >
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
              {severities.find((s) => s.level === nextSeverity)?.action}; target{" "}
              {severities.find((s) => s.level === nextSeverity)?.timeline} from detection. The clock follows the new
              severity.
            </p>
          )}
          <label className="flex flex-col gap-1">
            <span className="text-xs font-medium text-zinc-400">Reason (recorded on the timeline)</span>
            <Input
              data-testid="severity-reason"
              data-autofocus
              value={reason}
              maxLength={2000}
              onChange={(e) => setReason(e.target.value)}
              className="h-10"
              placeholder="Checkout now failing for all users"
            />
          </label>
          <div className="flex justify-end gap-2">
            <Button variant="ghost" onClick={() => setNextSeverity(null)}>
              Cancel
            </Button>
            <Button
              type="submit"
              variant="warning"
              data-testid="severity-save"
              disabled={!reason.trim()}
              isLoading={patch.isPending}
            >
              Change severity
            </Button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}

/**
 * Resolving asks for a short summary and, when post-rollback items are left unticked, names them
 * and asks for a second yes. The server checks the same and records the final decision.
 */
function ResolveDialog({ incident, open, onClose }: { incident: IncidentDetail; open: boolean; onClose: () => void }) {
  const patch = usePatchIncident(incident.id);
  const [summary, setSummary] = useState("");
  const [isConfirmed, setIsConfirmed] = useState(false);
  const ticked = Object.entries(incident.checklist)
    .filter(([, t]) => t.isTicked)
    .map(([id]) => id);
  const unticked = untickedPostRollbackItems(
    checklists,
    ticked,
    incident.rollbackCompletedAt ? new Date(incident.rollbackCompletedAt) : null,
    new Date(),
  );
  const count = unticked.reduce((n, c) => n + c.items.length, 0);
  const canSubmit = summary.trim().length >= 3 && (count === 0 || isConfirmed);
  const close = () => {
    patch.reset();
    onClose();
  };
  return (
    <Dialog open={open} onClose={close} title="Resolve this incident?">
      <form
        className="flex flex-col gap-3"
        data-testid="resolve-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!canSubmit) return;
          patch.mutate(
            { status: "resolved", summary: summary.trim(), ...(count ? { confirmUnticked: true } : {}) },
            {
              onSuccess: () => {
                setSummary("");
                setIsConfirmed(false);
                onClose();
              },
            },
          );
        }}
      >
        <p className="text-zinc-400">
          The clock stops, the decision as it stands now is recorded with your summary, and runs can no longer be
          started from the incident.
        </p>
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-zinc-400">
            Resolution summary (on the timeline and in the post-mortem)
          </span>
          <textarea
            data-testid="resolve-summary"
            data-autofocus
            required
            minLength={3}
            maxLength={2000}
            rows={3}
            value={summary}
            onChange={(e) => setSummary(e.target.value)}
            className="rounded-md border border-zinc-700 bg-zinc-950 px-2 py-1.5 text-sm text-zinc-100 placeholder:text-zinc-600 focus-visible:outline-2 focus-visible:outline-sky-400"
            placeholder="Rolled back to v1.0.0; error rate back under 1% for 30 minutes."
          />
        </label>
        {count > 0 && (
          <div
            data-testid="resolve-unticked"
            className="flex flex-col gap-2 rounded-md border border-amber-800 bg-amber-950/40 px-3 py-2 text-sm text-amber-100"
          >
            <p className="font-medium">
              {count} post-rollback item{count === 1 ? " is" : "s are"} not ticked:
            </p>
            <ul className="flex max-h-48 flex-col gap-1 overflow-y-auto text-xs">
              {unticked.map((c) => (
                <li key={c.checklistId}>
                  <span className="font-semibold">{c.title}:</span> {c.items.map((i) => i.text).join(" · ")}
                </li>
              ))}
            </ul>
            <label className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                data-testid="resolve-confirm-unticked"
                checked={isConfirmed}
                onChange={(e) => setIsConfirmed(e.target.checked)}
                className="size-4 accent-amber-400"
              />
              Resolve with {count === 1 ? "this item" : `these ${count} items`} unticked
            </label>
          </div>
        )}
        {patch.error && (
          <p role="alert" className="text-sm text-red-300">
            {patch.error.message}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={close}>
            Cancel
          </Button>
          <Button
            type="submit"
            variant="primary"
            data-testid="resolve-submit"
            disabled={!canSubmit}
            isLoading={patch.isPending}
          >
            Resolve incident
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
