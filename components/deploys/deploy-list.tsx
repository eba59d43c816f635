"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import type { DeployJson } from "@/lib/deploys/view";
import { api } from "../api/client";
import { Badge } from "../ui/badge";
import { ProgressBar } from "../ui/progress-bar";
import { useNow } from "../runs/use-now";
import { deployStatus, isDeployOpen } from "./status";

/** Deploys, newest first: `target`'s, or (`isActiveOnly`) every one still watched or rolled back. Live while any is open. */
export function useDeploys(opts: { target?: string; isActiveOnly?: boolean; limit?: number }) {
  const q = new URLSearchParams();
  if (opts.target) q.set("target", opts.target);
  if (opts.isActiveOnly) q.set("active", "true");
  q.set("limit", String(opts.limit ?? 5));
  return useQuery({
    queryKey: ["deploys", opts.target ?? "*", !!opts.isActiveOnly, opts.limit ?? 5],
    queryFn: () => api<{ deploys: DeployJson[] }>(`/api/deploys?${q}`).then((r) => r.deploys),
    // A watch moves every second; with none open, a slow look for a new one.
    refetchInterval: (query) => (query.state.data?.some((d) => isDeployOpen(d.status)) ? 1_000 : 5_000),
  });
}

/** One row per deploy: its release, status and, while watched, how far the watch has gone. */
export function DeployRows({ deploys, showTarget }: { deploys: DeployJson[]; showTarget?: boolean }) {
  const now = useNow(
    deploys.some((d) => d.status === "watching"),
    1_000,
  );
  return (
    <ul className="flex flex-col divide-y divide-zinc-800">
      {deploys.map((d) => {
        const s = deployStatus(d.status);
        const [from, until] = [new Date(d.watchFrom).getTime(), new Date(d.watchUntil).getTime()];
        const watched = Math.min(100, ((now - from) / Math.max(1, until - from)) * 100);
        return (
          <li key={d.id} className="flex flex-col gap-1.5 py-2" data-testid="deploy-row" data-status={d.status}>
            <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
              <Link href={d.page} className="font-mono text-sky-300 hover:underline">
                {showTarget ? `${d.target} · ` : ""}
                {d.release}
                {d.previousRelease ? <span className="text-zinc-500"> ← {d.previousRelease}</span> : null}
              </Link>
              <span className="flex items-center gap-2">
                <span className="text-xs text-zinc-500" suppressHydrationWarning>
                  {new Date(d.createdAt).toLocaleTimeString()}
                </span>
                <Badge tone={s.tone}>{s.words}</Badge>
              </span>
            </div>
            {d.status === "watching" && (
              <ProgressBar value={watched} isActive label={`${d.release}: watched ${Math.round(watched)}%`} />
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** The incident list's strip: every deploy being watched or rolled back now; nothing when there is none. */
export function WatchesInProgress() {
  const { data: deploys = [] } = useDeploys({ isActiveOnly: true, limit: 20 });
  if (!deploys.length) return null;
  return (
    <section
      className="rounded-lg border border-sky-900 bg-sky-950/30 px-4 py-2"
      data-testid="watches-in-progress"
      aria-label="Deploys under watch"
    >
      <h2 className="text-sm font-medium text-sky-100">
        {deploys.length === 1 ? "A deploy is" : `${deploys.length} deploys are`} under watch
      </h2>
      <DeployRows deploys={deploys} showTarget />
    </section>
  );
}
