"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { queryKeys } from "../api/queries";

/** Cancel, approve and reject: each refreshes the run when it answers. */
export function useRunActions(runId: string) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.run(runId) });
  const cancel = useMutation({
    mutationFn: () => api<{ id: string; status: string }>(`/api/runs/${runId}/cancel`, { method: "POST", body: {} }),
    onSettled: refresh,
  });
  const decide = useMutation({
    mutationFn: (v: { decision: "approve" | "reject"; comment?: string }) =>
      api<{ id: string; decision: string }>(`/api/runs/${runId}/${v.decision}`, {
        method: "POST",
        body: v.comment ? { comment: v.comment } : {},
      }),
    onSettled: refresh,
  });
  return { cancel, decide };
}
