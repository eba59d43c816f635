"use client";

import { formatClock, formatDuration, incidentClock, severityOf, type ClockState } from "@/lib/plan";
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

type ClockIncident = Pick<IncidentSummary, "severity" | "detectedAt" | "resolvedAt" | "rollbackCompletedAt">;

/**
 * plan §1: time since detection against the severity's timeline. It stops when the rollback
 * completes (or at resolution when nothing was rolled back) and then says whether the target was met.
 */
function useIncidentClock(incident: ClockIncident) {
  const isStopped = !!(incident.rollbackCompletedAt ?? incident.resolvedAt);
  const now = useNow(!isStopped);
  const d = (v: string | null) => (v ? new Date(v) : null);
  return incidentClock(
    incident.severity,
    new Date(incident.detectedAt),
    { rollbackCompletedAt: d(incident.rollbackCompletedAt), resolvedAt: d(incident.resolvedAt) },
    new Date(now),
  );
}

/** "rolled back in 4:58, target <30 min: met" */
function stoppedText(clock: ReturnType<typeof incidentClock>, timeline: string): string {
  const verb = clock.stoppedBy === "rollback" ? "rolled back" : "resolved";
  return `${verb} in ${formatClock(clock.elapsedMs)}, target ${timeline}: ${clock.isTargetMet ? "met" : "missed"}`;
}

/** One line for lists: "12 min left" / "3 min over" / "rolled back in 4:58, target <30 minutes: met". */
export function IncidentClockCompact({ incident }: { incident: IncidentSummary }) {
  const clock = useIncidentClock(incident);
  const s = severityOf(incident.severity);
  const text = clock.stoppedBy
    ? stoppedText(clock, s.timeline)
    : clock.state === "red"
      ? `${formatDuration(clock.overdueMs)} over`
      : `${formatDuration(clock.remainingMs)} left`;
  return (
    <span
      suppressHydrationWarning
      data-state={clock.state}
      data-stopped={clock.stoppedBy ?? undefined}
      className={cn(
        "font-mono text-xs tabular-nums",
        clock.stoppedBy ? (clock.isTargetMet ? "text-emerald-300/80" : "text-red-300/80") : stateText[clock.state],
      )}
      title={`${formatDuration(clock.elapsedMs)} since detection; target ${s.timeline}`}
    >
      {text}
    </span>
  );
}

/** The big clock on the incident page. */
export function IncidentClock({ incident }: { incident: ClockIncident }) {
  const clock = useIncidentClock(incident);
  const s = severityOf(incident.severity);
  const pct = Math.min(100, (clock.elapsedMs / clock.targetMs) * 100);
  const state: ClockState = clock.stoppedBy ? (clock.isTargetMet ? "ok" : "red") : clock.state;
  return (
    <div
      data-testid="incident-clock"
      data-state={state}
      data-stopped={clock.stoppedBy ?? undefined}
      className={cn("flex min-w-0 flex-col gap-2 self-start rounded-lg border p-3", stateFrame[state])}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <span className="text-xs font-medium tracking-wide text-zinc-400 uppercase">
          {clock.stoppedBy === "rollback"
            ? "Rolled back after"
            : clock.stoppedBy === "resolution"
              ? "Resolved after"
              : "Since detection"}{" "}
          · target {s.timeline}
        </span>
        <span className="text-xs text-zinc-500">{clock.stoppedBy ? "clock stopped" : s.action}</span>
      </div>
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span
          suppressHydrationWarning
          className={cn("font-mono text-3xl font-semibold tabular-nums", stateText[state])}
        >
          {formatClockLong(clock.elapsedMs)}
        </span>
        <span
          suppressHydrationWarning
          data-testid="incident-clock-text"
          className={cn("text-sm font-medium", stateText[state])}
        >
          {clock.stoppedBy
            ? stoppedText(clock, s.timeline)
            : clock.state === "red"
              ? `${formatDuration(clock.overdueMs)} past the ${incident.severity} target`
              : `${formatDuration(clock.remainingMs)} left`}
        </span>
      </div>
      {/* No width transition: a one-second tween every second never stops animating, and kept each open page repainting. */}
      <div className="h-1.5 w-full overflow-hidden rounded-full bg-zinc-800" aria-hidden>
        <div
          suppressHydrationWarning
          className={cn("h-full rounded-full", stateBar[state])}
          style={{ width: `${pct}%` }}
        />
      </div>
    </div>
  );
}

/** "04:58", "1:02:03": the big clock keeps two digits for minutes. */
function formatClockLong(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  return h ? `${h}:${pad(m)}:${pad(sec)}` : `${pad(m)}:${pad(sec)}`;
}
