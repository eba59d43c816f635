"use client";

import { formatClock } from "@/lib/plan/format";

import { useState } from "react";
import type { Catalog, ResolvedStep, Role, RunbookSummary } from "../api/types";
import { hasRole, needsRole } from "../auth/roles";
import { ResolvedSteps } from "../steps/resolved-steps";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { RiskBadge } from "../runs/status";
import { ConfirmRunDialog } from "./confirm-run-dialog";
import { ParamControls } from "./param-controls";
import { describeChoice, effectiveValues, toRequestParams, type ParamValues } from "./params";
import { StartRunFeedback } from "./start-run-feedback";
import { useRunbookStart } from "./use-start-run";

type Props = {
  runbook: RunbookSummary;
  catalog: Catalog;
  role: Role;
  /** Started from an incident: the run is linked to it and Checkpoint 1 applies (plan §9). */
  incidentId?: string;
  /** Test id of the Run button; `run-{id}` unless given. */
  runTestId?: string;
};

/** One runbook: what it does, its pickers, and Dry run / Run. */
export function RunbookCard({ runbook, catalog, role, incidentId, runTestId }: Props) {
  const [chosen, setChosen] = useState<ParamValues>({});
  const [dryRunSteps, setDryRunSteps] = useState<ResolvedStep[] | null>(null);
  const [isConfirming, setIsConfirming] = useState(false);

  const values = effectiveValues(runbook.id, catalog, chosen);
  const targetName = catalog.target.name;
  const { submit, error, clearError, pending } = useRunbookStart({
    runbook: runbook.id,
    target: targetName,
    params: toRequestParams(runbook.id, values),
    incidentId,
    onDryRun: setDryRunSteps,
    onFailed: () => {
      setIsConfirming(false);
      setDryRunSteps(null);
    },
  });

  const unavailable = runbook.unavailable ?? null;
  const canDryRun = hasRole(role, "engineer") && !unavailable;
  const canRun = hasRole(role, runbook.requiredRole ?? "engineer") && !unavailable;
  const runBlockedReason =
    unavailable ?? (canRun ? undefined : needsRole(canDryRun ? (runbook.requiredRole ?? "engineer") : "engineer"));

  const onRun = () => {
    if (runbook.risk === "low") submit(false);
    else setIsConfirming(true);
  };

  return (
    <Card data-testid={`runbook-${runbook.id}`} className="flex flex-col gap-3 p-4">
      <div className="flex flex-col gap-1">
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <h3 className="font-semibold text-zinc-50">{runbook.title}</h3>
          {/\d/.test(runbook.planSection) && (
            <span className="font-mono text-xs text-zinc-500">§{runbook.planSection}</span>
          )}
          <RiskBadge risk={runbook.risk} />
          {runbook.timeRequired && <span className="text-xs text-zinc-500">· takes {runbook.timeRequired}</span>}
        </div>
        <p className="text-sm text-zinc-400">{runbook.summary}</p>
        <DrillLine runbook={runbook} catalog={catalog} />
        {unavailable && (
          <p data-testid={`unavailable-${runbook.id}`} className="text-xs text-amber-300">
            Not available on {targetName}: {unavailable}
          </p>
        )}
      </div>

      <div className="flex flex-wrap items-end justify-between gap-3">
        <ParamControls
          runbookId={runbook.id}
          catalog={catalog}
          incidentId={incidentId}
          disabled={!!unavailable}
          values={values}
          onChange={(patch) => {
            setChosen((c) => ({ ...c, ...patch }));
            setDryRunSteps(null);
            clearError();
          }}
        />
        <div className="ml-auto flex gap-2">
          <Button
            size="sm"
            data-testid={`dry-run-${runbook.id}`}
            isLoading={pending === "dry"}
            disabled={pending === "run" || !canDryRun}
            title={canDryRun ? undefined : (unavailable ?? needsRole("engineer"))}
            onClick={() => submit(true)}
          >
            Dry run
          </Button>
          <Button
            size="sm"
            variant={runbook.risk === "high" ? "danger" : "primary"}
            data-testid={runTestId ?? `run-${runbook.id}`}
            isLoading={pending === "run" && !isConfirming}
            disabled={pending === "dry" || !canRun}
            title={runBlockedReason}
            onClick={onRun}
          >
            Run
          </Button>
        </div>
      </div>

      {canDryRun && !canRun && !unavailable && (
        <p className="-mt-1 text-right text-xs text-zinc-500">
          Run: {runBlockedReason}. A dry run shows what it would do.
        </p>
      )}

      <StartRunFeedback
        error={error}
        canOverride={hasRole(role, "commander")}
        isPending={pending === "run"}
        onOverride={(reason) => submit(false, reason)}
        onDismiss={clearError}
        testId={`run-error-${runbook.id}`}
      />

      {dryRunSteps && (
        <div data-testid={`dry-run-result-${runbook.id}`} className="rounded-md border border-zinc-800 bg-zinc-950/70">
          <div className="flex items-center justify-between gap-2 border-b border-zinc-800 px-3 py-1.5">
            <span className="text-xs font-medium text-zinc-400">
              Dry run: {dryRunSteps.length} steps would run on{" "}
              <span className="font-mono text-zinc-300">{targetName}</span>. Nothing was executed.
            </span>
            <Button size="sm" variant="ghost" className="h-6 px-2 text-xs" onClick={() => setDryRunSteps(null)}>
              Hide
            </Button>
          </div>
          <div className="px-3 py-1">
            <ResolvedSteps steps={dryRunSteps} />
          </div>
        </div>
      )}

      {runbook.risk !== "low" && (
        <ConfirmRunDialog
          open={isConfirming}
          runbook={runbook}
          targetName={targetName}
          consequences={describeChoice(runbook.id, values, catalog)}
          isPending={pending === "run"}
          onCancel={() => setIsConfirming(false)}
          onConfirm={() => submit(false)}
        />
      )}
    </Card>
  );
}

/** When this runbook was last rehearsed on the target (issue 10): never, or long ago, is said plainly. */
function DrillLine({ runbook, catalog }: { runbook: RunbookSummary; catalog: Catalog }) {
  if (!catalog.target.rehearsal || runbook.isRollback === false || runbook.lastDrill === undefined) return null;
  const d = runbook.lastDrill;
  if (!d)
    return (
      <p data-testid={`drill-${runbook.id}`} data-drill="never" className="text-xs text-amber-300">
        Never drilled on {catalog.target.name}: rehearse it before it is needed (Incidents → Start a drill).
      </p>
    );
  const when = new Date(d.at).toLocaleDateString();
  const took =
    d.tookMs === null
      ? "not rolled back"
      : `rolled back in ${formatClock(d.tookMs)}${d.isMet === null ? "" : d.isMet ? ", target met" : ", target missed"}`;
  return (
    <p
      data-testid={`drill-${runbook.id}`}
      data-drill={d.isDue ? "due" : "recent"}
      className={d.isDue ? "text-xs text-amber-300" : "text-xs text-zinc-500"}
    >
      Last drilled {when}: {took}.{d.isDue ? " Not drilled for 90 days: rehearse it again." : ""}
    </p>
  );
}
