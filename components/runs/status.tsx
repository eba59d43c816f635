import { Badge, type Tone } from "../ui/badge";
import { cn } from "../ui/cn";
import type { Risk, RunStatus, StepStatus } from "../api/types";

export const runStatusTone: Record<RunStatus, Tone> = {
  queued: "zinc",
  running: "blue",
  waiting_approval: "amber",
  succeeded: "green",
  failed: "red",
  cancelled: "zinc",
  needs_attention: "orange",
};

const runStatusLabel: Record<RunStatus, string> = {
  queued: "queued",
  running: "running",
  waiting_approval: "waiting for approval",
  succeeded: "succeeded",
  failed: "failed",
  cancelled: "cancelled",
  needs_attention: "needs attention",
};

/**
 * The run's status. With `testId` the visible text is the raw status string (e2e tests read it);
 * otherwise a friendlier label is shown.
 */
export function RunStatusBadge({ status, size = "sm", testId }: { status: RunStatus; size?: "sm" | "lg"; testId?: string }) {
  const isLive = status === "running" || status === "queued";
  return (
    <Badge tone={runStatusTone[status]} size={size} className={cn(size === "lg" && "font-semibold tracking-wide")}>
      <span
        aria-hidden
        className={cn(
          "inline-block rounded-full bg-current",
          size === "lg" ? "size-2" : "size-1.5",
          isLive && "animate-pulse",
        )}
      />
      {testId ? <span data-testid={testId}>{status}</span> : runStatusLabel[status]}
    </Badge>
  );
}

const riskTone: Record<Risk, Tone> = { low: "green", medium: "amber", high: "red" };

export function RiskBadge({ risk }: { risk: Risk }) {
  return (
    <Badge tone={riskTone[risk]} title={`${risk} risk`}>
      {risk} risk
    </Badge>
  );
}

const kindTone: Record<string, Tone> = {
  shell: "zinc",
  http: "sky",
  git: "violet",
  queue: "teal",
  cache: "orange",
  postgres: "blue",
  wait: "zinc",
  "health-gate": "green",
  "approval-gate": "amber",
};

export function KindBadge({ kind }: { kind: string }) {
  return (
    <Badge tone={kindTone[kind] ?? "zinc"} className="font-mono text-[11px]">
      {kind}
    </Badge>
  );
}

const stepIcon: Record<StepStatus, { glyph: string; className: string; label: string }> = {
  pending: { glyph: "○", className: "text-zinc-600", label: "pending" },
  running: { glyph: "", className: "text-blue-400", label: "running" },
  waiting_approval: { glyph: "⏸", className: "text-amber-400", label: "waiting for approval" },
  succeeded: { glyph: "✓", className: "text-emerald-400", label: "succeeded" },
  failed: { glyph: "✕", className: "text-red-400", label: "failed" },
  cancelled: { glyph: "⊘", className: "text-zinc-500", label: "cancelled" },
  skipped: { glyph: "↷", className: "text-zinc-500", label: "skipped" },
};

export function StepStatusIcon({ status }: { status: StepStatus }) {
  const icon = stepIcon[status];
  return (
    <span className={cn("inline-flex size-5 shrink-0 items-center justify-center text-base leading-none font-bold", icon.className)} title={icon.label}>
      {status === "running" ? (
        <span aria-hidden className="size-3.5 animate-spin rounded-full border-2 border-current border-t-transparent" />
      ) : (
        <span aria-hidden>{icon.glyph}</span>
      )}
      <span className="sr-only">{icon.label}</span>
    </span>
  );
}
