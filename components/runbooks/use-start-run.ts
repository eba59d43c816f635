"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api, toApiFailure, type ApiFailure } from "../api/client";
import { queryKeys } from "../api/queries";
import type { ResolvedStep, StartRunResponse } from "../api/types";

export type StartRunVars = {
  runbook: string;
  target: string;
  params: Record<string, unknown>;
  dryRun: boolean;
  incidentId?: string;
  /** plan §9: a commander starts before Checkpoint 1 is complete, saying why. */
  checkpointOverride?: { reason: string };
};
/** POST /api/runs; the recent-runs list refreshes either way. */
export function useStartRun() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (vars: StartRunVars) => api<StartRunResponse>("/api/runs", { method: "POST", body: vars }),
    onSettled: (_d, _e, vars) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.allRuns });
      if (vars.incidentId) void queryClient.invalidateQueries({ queryKey: queryKeys.incident(vars.incidentId) });
    },
  });
}

/**
 * Starting one runbook from a button: a dry run hands its steps to `onDryRun`; a run opens its page
 * (the button stays busy until it does); a refusal is kept in `error` (a Checkpoint 1 gate or any
 * other), and `onFailed` lets the caller close its dialogs. Shared by the runbook cards and the
 * incident's emergency button.
 */
export function useRunbookStart(opts: {
  runbook: string;
  target: string;
  params: Record<string, unknown>;
  incidentId?: string;
  onDryRun?: (steps: ResolvedStep[]) => void;
  onFailed?: () => void;
}) {
  const router = useRouter();
  const startRun = useStartRun();
  const [error, setError] = useState<ApiFailure | null>(null);
  const [pending, setPending] = useState<"dry" | "run" | null>(null);
  const submit = (dryRun: boolean, overrideReason?: string) => {
    setError(null);
    setPending(dryRun ? "dry" : "run");
    startRun.mutate(
      {
        runbook: opts.runbook,
        target: opts.target,
        params: opts.params,
        dryRun,
        ...(opts.incidentId ? { incidentId: opts.incidentId } : {}),
        ...(overrideReason ? { checkpointOverride: { reason: overrideReason } } : {}),
      },
      {
        onSuccess: (res) => {
          if (dryRun) {
            opts.onDryRun?.(res.steps);
            setPending(null);
          } else router.push(`/runs/${res.id}`); // keep the button busy until the run page takes over
        },
        onError: (e) => {
          opts.onFailed?.();
          setError(toApiFailure(e));
          setPending(null);
        },
      },
    );
  };
  return { submit, error, clearError: () => setError(null), pending, isPending: startRun.isPending };
}
