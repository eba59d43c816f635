"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { openEventStream } from "./event-stream";
import { api, apiAnyStatus } from "./client";
import type {
  ChannelRow,
  ContactRow,
  MessageJson,
  Catalog,
  HealthInfo,
  IncidentDetail,
  IncidentSummary,
  Me,
  RunDetail,
  RunListItem,
  TokenRow,
  UserRow,
  VersionInfo,
} from "./types";

export const queryKeys = {
  catalog: ["catalog"] as const,
  targets: ["targets"] as const,
  runs: (limit: number) => ["runs", limit] as const,
  allRuns: ["runs"] as const,
  run: (id: string) => ["run", id] as const,
  version: ["version"] as const,
  health: ["health"] as const,
  me: ["me"] as const,
  incidents: ["incidents"] as const,
  incident: (id: string) => ["incident", id] as const,
  decision: (incidentId: string) => ["incident", incidentId, "decision"] as const,
  // An incident's control panels; the un-parameterised keys refetch every incident's.
  information: (incidentId: string) => ["controls", "information", incidentId] as const,
  allInformation: ["controls", "information"] as const,
  queueStats: ["controls", "queue-stats"] as const,
  backups: ["controls", "backups"] as const,
  messages: (incidentId: string) => ["incident", incidentId, "messages"] as const,
  channels: ["channels"] as const,
  contacts: ["contacts"] as const,
  users: ["users"] as const,
  tokens: ["tokens"] as const,
};

export function useMe({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: queryKeys.me,
    queryFn: () => api<Me>("/api/auth/me"),
    staleTime: 30_000,
    retry: false,
    enabled,
  });
}

/**
 * Every incident, kept current: a change on any incident's timeline (a status moved by a run, a new
 * declaration) refetches the list within a moment; a slow poll covers a dropped stream.
 */
export function useIncidents(initialData?: IncidentSummary[]) {
  const queryClient = useQueryClient();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refetch = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        void queryClient.invalidateQueries({ queryKey: queryKeys.incidents });
      }, 100);
    };
    // Reconnected after a drop: anything may have changed meanwhile.
    let wasLive = false;
    const stream = openEventStream({
      url: () => "/api/incidents/events",
      types: ["changed", "resync"],
      onMessage: refetch,
      onStatus: (s) => {
        if (s === "live" && wasLive) refetch();
        if (s === "live") wasLive = true;
      },
    });
    return () => {
      clearTimeout(timer);
      stream.close();
    };
  }, [queryClient]);
  return useQuery({
    queryKey: queryKeys.incidents,
    queryFn: async () => (await api<{ incidents: IncidentSummary[] }>("/api/incidents")).incidents,
    initialData,
    refetchInterval: 30_000,
  });
}

export function useIncident(id: string, initialData?: IncidentDetail, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: queryKeys.incident(id),
    queryFn: () => api<IncidentDetail>(`/api/incidents/${id}`),
    initialData,
    enabled: enabled && !!id,
  });
}

export function useUsers() {
  return useQuery({
    queryKey: queryKeys.users,
    queryFn: async () => (await api<{ users: UserRow[] }>("/api/users")).users,
  });
}

export function useTokens() {
  return useQuery({
    queryKey: queryKeys.tokens,
    queryFn: async () => (await api<{ tokens: TokenRow[] }>("/api/tokens")).tokens,
  });
}

/** The runbooks for a target (the default target when omitted). */
export function useCatalog(initialData?: Catalog, target?: string) {
  return useQuery({
    queryKey: [...queryKeys.catalog, target ?? "(default)"],
    queryFn: () => api<Catalog>(target ? `/api/runbooks?target=${encodeURIComponent(target)}` : "/api/runbooks"),
    initialData,
    staleTime: 5_000,
  });
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
  return useQuery({
    queryKey: queryKeys.run(id),
    queryFn: () => api<RunDetail>(`/api/runs/${id}`),
    initialData,
    // Events drive the page; while the run is running, a read every 2 s also tells whether its worker still holds it.
    // Running (a lost worker is noticed) or waiting for a runner (one may come up): checked every 2 s.
    refetchInterval: (q) => (q.state.data?.status === "running" || q.state.data?.waitingForRunner ? 2_000 : false),
  });
}

/** What the target runs: the default target's, or on an incident's page the incident's target's. */
export function useVersion({ enabled = true, incidentId }: { enabled?: boolean; incidentId?: string } = {}) {
  return useQuery({
    queryKey: [...queryKeys.version, incidentId ?? null],
    queryFn: () =>
      api<VersionInfo>("/api/version", incidentId ? { headers: { "x-backout-incident": incidentId } } : undefined),
    refetchInterval: 10_000,
    enabled,
  });
}

export function useHealth() {
  return useQuery({
    queryKey: queryKeys.health,
    queryFn: () => apiAnyStatus<HealthInfo>("/health"),
    refetchInterval: 10_000,
  });
}

export type TargetsList = {
  defaultTarget: string;
  /** Admins only: where the targets are configured, and how each one is. */
  file?: string;
  targets: {
    name: string;
    description?: string;
    /** The runner pool that acts on it (its live runners: /health). */
    runnerPool: string;
    config?: ReturnType<typeof import("@/lib/targets/describe").describeTarget>;
  }[];
};

/** The targets of targets.json; they change only when Backout restarts. */
export function useTargets() {
  return useQuery({
    queryKey: queryKeys.targets,
    queryFn: () => api<TargetsList>("/api/targets"),
    staleTime: Infinity,
  });
}

/** plan §7: the messages sent for an incident; polled while a delivery is still on its way. */
export function useMessages(incidentId: string) {
  return useQuery({
    queryKey: queryKeys.messages(incidentId),
    queryFn: async () => (await api<{ messages: MessageJson[] }>(`/api/incidents/${incidentId}/messages`)).messages,
    refetchInterval: (q) =>
      q.state.data?.some((m) => m.deliveries.some((d) => d.status === "pending" || d.status === "retrying"))
        ? 2_000
        : false,
  });
}

export function useChannels() {
  return useQuery({
    queryKey: queryKeys.channels,
    queryFn: async () => (await api<{ channels: ChannelRow[] }>("/api/channels")).channels,
  });
}

/** plan §10: the roster and the roles an incident assigns. */
export function useContacts() {
  return useQuery({
    queryKey: queryKeys.contacts,
    queryFn: () =>
      api<{ contacts: ContactRow[]; incidentRoles: { id: string; role: string; responsibility: string }[] }>(
        "/api/contacts",
      ),
    staleTime: 30_000,
  });
}
