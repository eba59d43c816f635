"use client";

import { queryKeys } from "../api/queries";
import { useMutation, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { api } from "../api/client";

/** Requests sent for an incident: the server acts on the incident's target and puts what was done (or tried) on its timeline. */
export const forIncident = (incidentId: string) => ({ "x-backout-incident": incidentId });

/** A mutating call from an incident's controls. Errors carry the server's `{ error }` body. */
export function controlPost<T>(path: string, incidentId: string, body?: unknown): Promise<T> {
  return api<T>(path, { method: "POST", body, headers: forIncident(incidentId) });
}

type ActionVars = { path: string; body?: unknown };

/** One POST per click; the given queries refetch afterwards, whatever the answer. */
export function useControlAction<T = unknown>(incidentId: string, refetch: QueryKey[]) {
  const queryClient = useQueryClient();
  return useMutation<T, unknown, ActionVars>({
    mutationFn: ({ path, body }) => controlPost<T>(path, incidentId, body),
    onSettled: () => {
      for (const key of [...refetch, queryKeys.incident(incidentId)]) void queryClient.invalidateQueries({ queryKey: key });
    },
  });
}
