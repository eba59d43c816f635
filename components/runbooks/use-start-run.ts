"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { queryKeys } from "../api/queries";
import type { StartRunResponse } from "../api/types";

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
