// plan §1 Quick Reference: severity levels.

export const SEVERITY_LEVELS = ["P0", "P1", "P2", "P3"] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

export type Severity = {
  level: SeverityLevel;
  description: string;
  action: string;
  /** The plan's Timeline column, as written. */
  timeline: string;
  /** The same target in minutes: the incident should be resolved in less than this. */
  timelineMinutes: number;
};

// plan §1 table, row for row.
export const severities: readonly Severity[] = [
  {
    level: "P0",
    description: "Service down, data loss risk",
    action: "Immediate rollback",
    timeline: "<15 minutes",
    timelineMinutes: 15,
  },
  {
    level: "P1",
    description: "Critical feature broken",
    action: "Rollback within 30 min",
    timeline: "<30 minutes",
    timelineMinutes: 30,
  },
  {
    level: "P2",
    description: "Performance degraded >50%",
    action: "Rollback within 1 hour",
    timeline: "<1 hour",
    timelineMinutes: 60,
  },
  {
    level: "P3",
    description: "Minor issues, workarounds available",
    action: "Investigate, may not rollback",
    timeline: "<4 hours",
    timelineMinutes: 240,
  },
];

export function severityOf(level: SeverityLevel): Severity {
  const s = severities.find((x) => x.level === level);
  if (!s) throw new Error(`unknown severity "${level}"`);
  return s;
}

/** P0 is the most severe; a negative result means `a` is more severe than `b`. */
export function compareSeverity(a: SeverityLevel, b: SeverityLevel): number {
  return SEVERITY_LEVELS.indexOf(a) - SEVERITY_LEVELS.indexOf(b);
}

/**
 * The clock turns amber once 2/3 of the timeline has gone (P0: 10 of 15 min, P1: 20 of 30,
 * P2: 40 of 60, P3: 160 of 240): a third of the budget is left, still enough to act.
 */
export const AMBER_FRACTION = 2 / 3;

export type ClockState = "ok" | "amber" | "red";

export type SeverityClock = {
  elapsedMs: number;
  targetMs: number;
  /** Time left before the target; 0 once it has passed. */
  remainingMs: number;
  /** Time past the target; 0 before it. */
  overdueMs: number;
  state: ClockState;
};

/**
 * Live clock of an incident against its severity's timeline. The plan's timelines are strict
 * ("<15 minutes"), so at exactly 15:00 the target is missed and the clock is red.
 * A `now` before `detectedAt` (clock skew) counts as no time elapsed.
 */
export function severityClock(severity: SeverityLevel | Severity, detectedAt: Date, now: Date): SeverityClock {
  const s = typeof severity === "string" ? severityOf(severity) : severity;
  const targetMs = s.timelineMinutes * 60_000;
  const elapsedMs = Math.max(0, now.getTime() - detectedAt.getTime());
  const state: ClockState = elapsedMs >= targetMs ? "red" : elapsedMs >= targetMs * AMBER_FRACTION ? "amber" : "ok";
  return {
    elapsedMs,
    targetMs,
    remainingMs: Math.max(0, targetMs - elapsedMs),
    overdueMs: Math.max(0, elapsedMs - targetMs),
    state,
  };
}

export type IncidentClock = SeverityClock & {
  /** What stopped the clock: the rollback completing, or the incident resolved without one; null while it runs. */
  stoppedBy: "rollback" | "resolution" | null;
  /** Whether it stopped inside the severity's timeline; null while it runs. */
  isTargetMet: boolean | null;
};

/**
 * The incident's clock against its severity: it runs from detection until the rollback completes
 * (the plan's timelines are rollback times: "Rollback within 30 min"), or until the incident is
 * resolved if nothing was rolled back. Stopped, it says whether the target was met.
 */
export function incidentClock(
  severity: SeverityLevel | Severity,
  detectedAt: Date,
  stops: { rollbackCompletedAt?: Date | null; resolvedAt?: Date | null },
  now: Date,
): IncidentClock {
  const stop = stops.rollbackCompletedAt ?? stops.resolvedAt ?? null;
  const clock = severityClock(severity, detectedAt, stop ?? now);
  if (!stop) return { ...clock, stoppedBy: null, isTargetMet: null };
  return {
    ...clock,
    stoppedBy: stops.rollbackCompletedAt ? "rollback" : "resolution",
    isTargetMet: clock.elapsedMs < clock.targetMs,
  };
}
