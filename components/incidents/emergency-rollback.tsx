"use client";

import { useState } from "react";
import type { Catalog, Role } from "../api/types";
import { hasRole, needsRole } from "../auth/roles";
import { ConfirmRunDialog } from "../runbooks/confirm-run-dialog";
import { StartRunFeedback } from "../runbooks/start-run-feedback";
import { describeChoice, effectiveValues, toRequestParams } from "../runbooks/params";
import { useRunbookStart } from "../runbooks/use-start-run";
import { Button } from "../ui/button";

/** plan §11.1: the whole-system rollback to the previous release, one red button away. */
export function EmergencyRollback({ catalog, incidentId, role }: { catalog: Catalog; incidentId: string; role: Role }) {
  const [isConfirming, setIsConfirming] = useState(false);
  const runbook = catalog.runbooks.find((r) => r.id === "emergency");
  const values = effectiveValues("emergency", catalog, {});
  const { submit, error, clearError, isPending } = useRunbookStart({
    runbook: "emergency",
    target: catalog.target.name,
    params: toRequestParams("emergency", values),
    incidentId,
    onFailed: () => setIsConfirming(false),
  });
  if (!runbook) return null;
  const canRun = hasRole(role, runbook.requiredRole ?? "engineer");
  // It rolls back to the release before the current one: with none, there is nothing to press for.
  const noEarlierRelease = !values.release
    ? `${catalog.facts.currentRelease ?? "The checked-out code"} is the oldest release: there is nothing earlier to roll back to`
    : undefined;

  return (
    <section
      aria-labelledby="emergency-heading"
      className="flex flex-col gap-2 rounded-lg border border-red-900 bg-red-950/30 p-3"
    >
      <div className="flex flex-wrap items-center gap-3">
        <div className="min-w-[16rem] flex-1">
          <h2 id="emergency-heading" className="text-sm font-semibold text-red-200">
            Emergency rollback{" "}
            <span className="font-mono text-xs font-normal text-red-300/70">§{runbook.planSection}</span>
          </h2>
          <p className="text-xs text-red-200/70">{runbook.summary}</p>
          {noEarlierRelease && <p className="text-xs text-zinc-400">{noEarlierRelease}.</p>}
        </div>
        <Button
          variant="danger"
          data-testid="emergency-rollback"
          disabled={!canRun || !!noEarlierRelease}
          title={!canRun ? needsRole(runbook.requiredRole ?? "engineer") : noEarlierRelease}
          isLoading={isPending && !isConfirming}
          onClick={() => setIsConfirming(true)}
        >
          Emergency rollback
        </Button>
      </div>
      <StartRunFeedback
        error={error}
        canOverride={hasRole(role, "commander")}
        isPending={isPending}
        onOverride={(reason) => submit(false, reason)}
        onDismiss={clearError}
        testId="run-error-emergency-button"
      />
      <ConfirmRunDialog
        open={isConfirming}
        runbook={runbook}
        targetName={catalog.target.name}
        consequences={describeChoice(runbook.id, values, catalog)}
        isPending={isPending}
        onCancel={() => setIsConfirming(false)}
        onConfirm={() => submit(false)}
      />
    </section>
  );
}
