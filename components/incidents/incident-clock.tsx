"use client";

import { formatDuration, severityClock, severityOf, type ClockState } from "@/lib/plan";
import type { IncidentSummary } from "../api/types";
import { useNow } from "../runs/use-now";
import { cn } from "../ui/cn";

const stateText: Record<ClockState, string> = { ok: "text-emerald-300", amber: "text-amber-300", red: "text-red-300" };
const stateFrame: Record<ClockState, string> = {
  ok: "border-emerald-800/70 bg-emerald-950/30",
  amber: "border-amber-700 bg-amber-950/40",
  red: "border-red-700 bg-red-950/40",
};
const stateBar: Record<ClockState, string> = { ok: "bg-emerald-500", amber: "bg-amber-400", red: "bg-red-500" };

/** plan §1: time since detection against the severity's timeline; stops when the incident is resolved. */
function useIncidentClock(incident: Pick<IncidentSummary, "severity" | "detectedAt" | "resolvedAt">) {
  const isResolved = !!incident.resolvedAt;
  const now = useNow(1000, !isResolved);
  const at = isResolved ? new Date(incident.resolvedAt!) : new Date(now);
  return { clock: severityClock(incident.severity, new Date(incident.detectedAt), at), isResolved };
}

/** One line for lists: "12 min left" / "3 min over". */
export function IncidentClockCompact({ incident }: { incident: IncidentSummary }) {
  const { clock, isResolved } = useIncidentClock(incident);
  const text = isResolved
    ? `resolved in ${formatDuration(clock.elapsedMs)}`
    : clock.state === "red"
      ? `${formatDuration(clock.overdueMs)} over`
      : `${formatDuration(clock.remainingMs)} left`;
  return (
    <span suppressHydrationWarning data-state={clock.state} className={cn("font-mono text-xs tabular-nums", isResolved ? "text-zinc-400" : stateText[clock.state])} title={`${formatDuration(clock.elapsedMs)} since detection; target ${severityOf(incident.severity).timeline}`}>
      {text}
    </span>
  );
}

/** The big clock on the incident page. */
export function IncidentClock({ incident }: { incident: IncidentSummary }) {
  const { clock, isResolved } = useIncidentClock(incident);
  const s = severityOf(incident.severity);
  const pct = Math.min(100, (clock.elapsedMs / clock.targetMs) * 100);
  return (
    <div data-testid="incident-clock" data-state={clock.state} className={cn("flex min-w-0 flex-col gap-2 self-start rounded-lg border p-3", stateFrame[clock.state])}>
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <span className="text-xs font-medium tracking-wide text-zinc-400 uppercase">
          {isResolved ? "Resolved after" : "Since detection"} · target {s.timeline}
        </span>
        <span className="text-xs text-zinc-500">{s.action}</span>
      </div>
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span suppressHydrationWarning className={cn("font-mono text-3xl font-semibold tabular-nums", stateText[clock.state])}>{formatClockLong(clock.elapsedMs)}</span>
        <span suppressHydrationWarning className={cn("text-sm font-medium", stateText[clock.state])}>
          {clock.state === "red" ? `${formatDuration(clock.overdueMs)} past the ${incident.severity} target` : `${formatDuration(clock.remainingMs)} left`}
        </span>
      </div>
      {/* No width transition: a one-second tween every second never stops animating, and kept each open page repainting. */}
      <div className="h-1.5 w-full overflow-hidden rounded-full bg-zinc-800" aria-hidden>
        <div suppressHydrationWarning className={cn("h-full rounded-full", stateBar[clock.state])} style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

function formatClockLong(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  return h ? `${h}:${pad(m)}:${pad(sec)}` : `${pad(m)}:${pad(sec)}`;
}
