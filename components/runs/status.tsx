import type { ComponentType } from "react";
import { Badge, type Tone } from "../ui/badge";
import { BanIcon, CheckIcon, CircleIcon, CrossIcon, PauseIcon, SkipIcon } from "../ui/icons";
import { cn } from "../ui/cn";
import type { Risk, RunStatus, StepStatus } from "../api/types";

export const runStatusTone = {
  queued: "zinc",
  running: "blue",
  waiting_approval: "amber",
  succeeded: "green",
  failed: "red",
  cancelled: "zinc",
  needs_attention: "orange",
} as const satisfies Record<RunStatus, Tone>;

const runStatusLabel: Record<RunStatus, string> = {
  queued: "queued",
  running: "running",
  waiting_approval: "waiting for approval",
  succeeded: "succeeded",
  failed: "failed",
  cancelled: "cancelled",
  needs_attention: "needs attention",
};

/** The run's status in words ("waiting for approval"); the raw value is on `data-status`. */
export function RunStatusBadge({
  status,
  size = "sm",
  testId,
}: {
  status: RunStatus;
  size?: "sm" | "lg";
  testId?: string;
}) {
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
      <span data-testid={testId} data-status={status}>
        {runStatusLabel[status]}
      </span>
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

const stepIcon: Record<
  StepStatus,
  { Icon: ComponentType<{ size?: number }> | null; className: string; label: string }
> = {
  pending: { Icon: CircleIcon, className: "text-zinc-600", label: "pending" },
  running: { Icon: null, className: "text-blue-400", label: "running" },
  waiting_approval: { Icon: PauseIcon, className: "text-amber-400", label: "waiting for approval" },
  succeeded: { Icon: CheckIcon, className: "text-emerald-400", label: "succeeded" },
  failed: { Icon: CrossIcon, className: "text-red-400", label: "failed" },
  cancelled: { Icon: BanIcon, className: "text-zinc-500", label: "cancelled" },
  skipped: { Icon: SkipIcon, className: "text-zinc-500", label: "skipped" },
};

export function StepStatusIcon({ status }: { status: StepStatus }) {
  const { Icon, className, label } = stepIcon[status];
  return (
    <span className={cn("inline-flex size-5 shrink-0 items-center justify-center", className)} title={label}>
      {Icon ? (
        <Icon size={16} />
      ) : (
        <span aria-hidden className="size-3.5 animate-spin rounded-full border-2 border-current border-t-transparent" />
      )}
      <span className="sr-only">{label}</span>
    </span>
  );
}
