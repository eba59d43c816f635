"use client";

import { queryKeys } from "../api/queries";
import { useMutation, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { api } from "../api/client";

/**
 * What the controls act on: an incident's target (the server acts on it and puts what was done, or
 * tried, on the incident's timeline), or a target directly (plan §4 work outside an incident).
 */
export type ControlScope = { incidentId: string; target?: undefined } | { target: string; incidentId?: undefined };

/** Requests sent for an incident: the server acts on the incident's target and records it on its timeline. */
export const forIncident = (incidentId: string) => ({ "x-backout-incident": incidentId });

export const scopeHeaders = (scope: ControlScope): Record<string, string> =>
  scope.incidentId ? forIncident(scope.incidentId) : {};
/** A path acting on the scope's target: the incident's by header, a target's by `?target=`. */
export const scopePath = (path: string, scope: ControlScope) =>
  scope.target ? `${path}${path.includes("?") ? "&" : "?"}target=${encodeURIComponent(scope.target)}` : path;
/** Names a run's scope in its start body. */
export const scopeRunBody = (scope: ControlScope) =>
  scope.incidentId ? { incidentId: scope.incidentId } : { target: scope.target };
/** Part of a query key, so an incident's panels and a target's never share a cache entry. */
export const scopeKey = (scope: ControlScope) => scope.incidentId ?? `target:${scope.target}`;

/** A mutating call from the controls. Errors carry the server's `{ error }` body. */
export function controlPost<T>(path: string, scope: ControlScope, body?: unknown): Promise<T> {
  return api<T>(scopePath(path, scope), { method: "POST", body, headers: scopeHeaders(scope) });
}

type ActionVars = { path: string; body?: unknown };

/** One POST per click; the given queries refetch afterwards, whatever the answer. */
export function useControlAction<T = unknown>(scope: ControlScope, refetch: QueryKey[]) {
  const queryClient = useQueryClient();
  return useMutation<T, unknown, ActionVars>({
    mutationFn: ({ path, body }) => controlPost<T>(path, scope, body),
    onSettled: () => {
      for (const key of [...refetch, ...(scope.incidentId ? [queryKeys.incident(scope.incidentId)] : [])])
        void queryClient.invalidateQueries({ queryKey: key });
    },
  });
}
