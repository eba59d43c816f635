"use client";

import { toApiFailure, type ApiFailure } from "../api/client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { Catalog, Role } from "../api/types";
import { hasRole, needsRole } from "../auth/roles";
import { ConfirmRunDialog } from "../runbooks/confirm-run-dialog";
import { GateError } from "../runbooks/gate-error";
import { describeChoice, effectiveValues, toRequestParams } from "../runbooks/params";
import { RunError } from "../runbooks/run-error";
import { useStartRun } from "../runbooks/use-start-run";
import { Button } from "../ui/button";

/** plan §11.1: the whole-system rollback to the previous release, one red button away. */
export function EmergencyRollback({ catalog, incidentId, role }: { catalog: Catalog; incidentId: string; role: Role }) {
  const router = useRouter();
  const startRun = useStartRun();
  const [isConfirming, setIsConfirming] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const runbook = catalog.runbooks.find((r) => r.id === "emergency");
  if (!runbook) return null;
  const values = effectiveValues(runbook.id, catalog, {});
  const canRun = hasRole(role, runbook.requiredRole ?? "engineer");

  const submit = (overrideReason?: string) => {
    setError(null);
    startRun.mutate(
      {
        runbook: runbook.id,
        target: catalog.target.name,
        params: toRequestParams(runbook.id, values),
        dryRun: false,
        incidentId,
        ...(overrideReason ? { checkpointOverride: { reason: overrideReason } } : {}),
      },
      {
        onSuccess: (res) => router.push(`/runs/${res.id}`),
        onError: (e) => {
          setIsConfirming(false);
          setError(toApiFailure(e));
        },
      },
    );
  };

  return (
    <section aria-labelledby="emergency-heading" className="flex flex-col gap-2 rounded-lg border border-red-900 bg-red-950/30 p-3">
      <div className="flex flex-wrap items-center gap-3">
        <div className="min-w-[16rem] flex-1">
          <h2 id="emergency-heading" className="text-sm font-semibold text-red-200">
            Emergency rollback <span className="font-mono text-xs font-normal text-red-300/70">§{runbook.planSection}</span>
          </h2>
          <p className="text-xs text-red-200/70">{runbook.summary}</p>
        </div>
        <Button
          variant="danger"
          data-testid="emergency-rollback"
          disabled={!canRun}
          title={canRun ? undefined : needsRole(runbook.requiredRole ?? "engineer")}
          isLoading={startRun.isPending && !isConfirming}
          onClick={() => setIsConfirming(true)}
        >
          Emergency rollback
        </Button>
      </div>
      {error?.gate === "checkpoint-1" ? (
        <GateError error={error} canOverride={hasRole(role, "commander")} isPending={startRun.isPending} onOverride={(r) => submit(r)} onDismiss={() => setError(null)} />
      ) : (
        error && <RunError error={error} testId="run-error-emergency-button" />
      )}
      <ConfirmRunDialog
        open={isConfirming}
        runbook={runbook}
        targetName={catalog.target.name}
        consequences={describeChoice(runbook.id, values, catalog)}
        isPending={startRun.isPending}
        onCancel={() => setIsConfirming(false)}
        onConfirm={() => submit()}
      />
    </section>
  );
}
