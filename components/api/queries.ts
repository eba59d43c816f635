"use client";

import { useQuery } from "@tanstack/react-query";
import { api, apiAnyStatus } from "./client";
import type { Catalog, HealthInfo, RunDetail, RunListItem, VersionInfo } from "./types";

export const queryKeys = {
  catalog: ["catalog"] as const,
  runs: (limit: number) => ["runs", limit] as const,
  allRuns: ["runs"] as const,
  run: (id: string) => ["run", id] as const,
  version: ["version"] as const,
  health: ["health"] as const,
};

export function useCatalog(initialData?: Catalog) {
  return useQuery({ queryKey: queryKeys.catalog, queryFn: () => api<Catalog>("/api/runbooks"), initialData, staleTime: 5_000 });
}

export function useRecentRuns(limit: number, initialData?: RunListItem[]) {
  return useQuery({
    queryKey: queryKeys.runs(limit),
    queryFn: async () => (await api<{ runs: RunListItem[] }>(`/api/runs?limit=${limit}`)).runs,
    initialData,
    refetchInterval: 5_000,
  });
}

export function useRun(id: string, initialData?: RunDetail) {
  return useQuery({ queryKey: queryKeys.run(id), queryFn: () => api<RunDetail>(`/api/runs/${id}`), initialData });
}

export function useVersion() {
  return useQuery({ queryKey: queryKeys.version, queryFn: () => api<VersionInfo>("/api/version"), refetchInterval: 10_000 });
}

export function useHealth() {
  return useQuery({ queryKey: queryKeys.health, queryFn: () => apiAnyStatus<HealthInfo>("/health"), refetchInterval: 10_000 });
}
