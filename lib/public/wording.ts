// What a stakeholder reads on the public status page, in plain words. Pure data: the projection
// (projection.ts) picks from these; nothing internal (commands, hosts, names) is ever in them.
import type { SeverityLevel } from "../plan/severity";
import type { IncidentStatus } from "../plan/incident";
import { meetsGoal, type MetricValues } from "../plan/metrics";

/** Impact as the widely used hosted status-page API names it (critical > major > minor > none). */
export type Impact = "critical" | "major" | "minor" | "none";

/** plan §1 severities, in words a customer understands, with the impact they mean. */
export const PUBLIC_SEVERITY: Record<SeverityLevel, { words: string; impact: Impact; defaultTitle: string }> = {
  P0: { words: "Critical: the service is down or data is at risk", impact: "critical", defaultTitle: "Service outage" },
  P1: { words: "Major: an important feature is not working", impact: "major", defaultTitle: "Major disruption" },
  P2: { words: "Minor: the service is slower than usual", impact: "minor", defaultTitle: "Degraded performance" },
  P3: { words: "Low: a minor issue with a workaround", impact: "minor", defaultTitle: "Minor issue" },
};

/** The incident's status, for the public. */
export const PUBLIC_STATUS: Record<
  IncidentStatus,
  { words: string; statuspage: "investigating" | "identified" | "monitoring" | "resolved" }
> = {
  investigating: { words: "Investigating", statuspage: "investigating" },
  rolling_back: { words: "Rolling back to a stable version", statuspage: "identified" },
  monitoring: { words: "Recovered, monitoring", statuspage: "monitoring" },
  resolved: { words: "Resolved", statuspage: "resolved" },
};

/** Automatic public updates when the status moves; a commander's own posted update says more. */
export function automaticUpdateText(
  to: IncidentStatus | "reopened" | "declared" | "severity",
  component: string,
  extra: { wasRollingBack?: boolean } = {},
): string {
  switch (to) {
    case "declared":
      return `We are investigating an issue affecting ${component}.`;
    case "investigating":
      return extra.wasRollingBack
        ? `The rollback of ${component} did not complete. We are investigating and will update shortly.`
        : `We are investigating an issue affecting ${component}.`;
    case "rolling_back":
      return `We are rolling ${component} back to a stable version.`;
    case "monitoring":
      return `The rollback of ${component} is complete. We are monitoring to confirm it has recovered.`;
    case "resolved":
      return "This incident has been resolved.";
    case "reopened":
      return `We are looking into ${component} again.`;
    case "severity":
      return "We have updated the impact of this incident.";
  }
}

/** Runbooks, by id, as the public reads what is being done (never their commands). */
export const PUBLIC_RUNBOOK_TITLES: Record<string, string> = {
  "app-code": "Rolling back the application",
  "queue-system": "Rolling back background processing",
  cache: "Refreshing cached data",
  frontend: "Rolling back the website",
  "db-schema": "Rolling back a database change",
  "db-restore": "Restoring data from a backup",
  "pitr-restore": "Restoring data to an earlier point in time",
  "pitr-undo": "Restoring data",
  "data-rollback": "Restoring affected records",
  emergency: "Emergency rollback",
};

/**
 * What a step is doing, for the public: from its key (what it is), never its name (which may
 * carry a release tag, a pattern or a file) nor its command. An unknown key reads generically.
 */
export function publicStepTitle(key: string, kind: string): string {
  const byKey: [RegExp, string][] = [
    [/^identify-current$/, "Preparing the rollback"],
    [/^(pause-queues|drain-active-jobs|stop-workers|clean-failed)$/, "Pausing background processing"],
    [/^(git-fetch|checkout|checkout-queue-code)$/, "Switching to the last stable version"],
    [/^(install|build)$/, "Building the stable version"],
    [/^(restart|deploy|restart-workers)$/, "Restarting services"],
    [/^(verify-health|wait-start)$/, "Checking that the service is healthy"],
    [/^smoke-tests$/, "Running functional checks"],
    [/^(resume-queues|resume-|monitor-before-|stats-before-)/, "Resuming background processing"],
    [/^check-version$/, "Confirming the running version"],
    [/^backup/, "Backing up data"],
    [/^approve$/, "Waiting for sign-off"],
    [/^(restore|restore-records|apply-down-migration|restore-beside|swap|swap-back)$/, "Restoring data"],
    [/^compare$/, "Verifying data"],
    [/^verify-database$/, "Verifying data"],
    [/^maintenance-on$/, "Pausing changes (maintenance mode)"],
    [/^maintenance-off$/, "Ending maintenance mode"],
    [/^(flush|invalidate-|ping|warm)/, "Refreshing cached data"],
  ];
  for (const [re, title] of byKey) if (re.test(key)) return title;
  if (kind === "approval-gate") return "Waiting for sign-off";
  return "Working on the rollback";
}

/** A target's health, measured by the sampler, in the hosted status-page API's words too. */
export type ComponentHealth = "operational" | "degraded" | "down" | "unknown";
export const PUBLIC_HEALTH: Record<
  ComponentHealth,
  { words: string; statuspage: "operational" | "degraded_performance" | "major_outage" | "under_maintenance" }
> = {
  operational: { words: "Operational", statuspage: "operational" },
  degraded: { words: "Degraded performance", statuspage: "degraded_performance" },
  down: { words: "Down", statuspage: "major_outage" },
  // Nothing measured lately: say so rather than guess (the hosted API has no word for it).
  unknown: { words: "No recent data", statuspage: "operational" },
};

/**
 * A target's health from its latest sample: down when its health endpoint or database is down
 * (plan §2's P0 rows), degraded when the error rate or p95 misses its plan §6.4 target (<1%,
 * <300 ms) or Redis is down, operational otherwise; unknown when the sampler has not reported
 * within `staleMs`.
 */
export function componentHealth(
  latest: { at: Date; values: Partial<MetricValues> } | undefined,
  now: Date,
  staleMs: number,
): { health: ComponentHealth; reason: string } {
  if (!latest || now.getTime() - latest.at.getTime() > staleMs)
    return { health: "unknown", reason: "no reading in the last " + Math.round(staleMs / 1000) + " s" };
  const v = latest.values;
  if (v.healthUp === false) return { health: "down", reason: "health endpoint not answering 200" };
  if (v.dbUp === false) return { health: "down", reason: "database connection failed" };
  if (v.errorRate !== undefined && !meetsGoal("errorRate", v.errorRate))
    return { health: "degraded", reason: "error rate at or above 1%" };
  if (v.responseTimeP95Ms !== undefined && !meetsGoal("responseTimeP95Ms", v.responseTimeP95Ms))
    return { health: "degraded", reason: "p95 response time at or above 300 ms" };
  if (v.redisUp === false) return { health: "degraded", reason: "Redis connection failed" };
  if (v.healthUp === undefined) return { health: "unknown", reason: "health not measured" };
  return { health: "operational", reason: "within the plan §6.4 targets" };
}

/** What the public calls a target: its `public.name` from targets.json; a target without one is never named. */
export const UNNAMED_COMPONENT = "Service";
export function publicTargetName(target: { public?: { name: string } | undefined }): string {
  return target.public?.name ?? UNNAMED_COMPONENT;
}
