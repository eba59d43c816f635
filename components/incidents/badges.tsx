import type { IncidentStatus, SeverityLevel } from "../api/types";
import { Badge, type Tone } from "../ui/badge";

export const severityTone: Record<SeverityLevel, Tone> = { P0: "red", P1: "orange", P2: "amber", P3: "sky" };

export const statusLabel: Record<IncidentStatus, string> = {
  investigating: "Investigating",
  rolling_back: "Rolling back",
  monitoring: "Monitoring",
  resolved: "Resolved",
};

const statusTone: Record<IncidentStatus, Tone> = {
  investigating: "amber",
  rolling_back: "orange",
  monitoring: "teal",
  resolved: "green",
};

export function SeverityBadge({
  severity,
  size,
  testId,
}: {
  severity: SeverityLevel;
  size?: "sm" | "lg";
  testId?: string;
}) {
  return (
    <Badge tone={severityTone[severity]} size={size} data-testid={testId} className="font-mono font-semibold">
      {severity}
    </Badge>
  );
}

export function IncidentStatusBadge({
  status,
  size,
  testId,
}: {
  status: IncidentStatus;
  size?: "sm" | "lg";
  testId?: string;
}) {
  return (
    <Badge tone={statusTone[status]} size={size} data-testid={testId}>
      {statusLabel[status]}
    </Badge>
  );
}
