"use client";

import { useMutation, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { ApiError } from "../api/client";
import type { ApiErrorBody } from "../api/types";

export type ControlError = ApiErrorBody & { status: number };

/**
 * A mutating call from an incident's controls: always sends X-Backout-Incident so the server
 * records it on that incident's timeline. Errors carry the server's `{ error }` body.
 */
export async function controlPost<T>(path: string, incidentId: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: "POST",
      headers: { "x-backout-incident": incidentId, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      cache: "no-store",
    });
  } catch (e) {
    throw new ApiError(0, { error: `Cannot reach Backout (${(e as Error).message}); is the server running?` });
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { error: text.slice(0, 300) || res.statusText };
  }
  if (!res.ok) {
    const b = (parsed ?? {}) as Partial<ApiErrorBody>;
    throw new ApiError(res.status, { ...b, error: b.error ?? `${res.status} ${res.statusText}` } as ApiErrorBody);
  }
  return parsed as T;
}

export function toControlError(e: unknown): ControlError {
  if (e instanceof ApiError) return { ...e.body, status: e.status };
  return { error: (e as Error)?.message ?? "Unknown error", status: 0 };
}

type ActionVars = { path: string; body?: unknown };

/** One POST per click; the given queries refetch afterwards, whatever the answer. */
export function useControlAction<T = unknown>(incidentId: string, refetch: QueryKey[]) {
  const queryClient = useQueryClient();
  return useMutation<T, unknown, ActionVars>({
    mutationFn: ({ path, body }) => controlPost<T>(path, incidentId, body),
    onSettled: () => {
      for (const key of [...refetch, ["incident", incidentId]]) void queryClient.invalidateQueries({ queryKey: key });
    },
  });
}
