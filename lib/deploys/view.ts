import type { Deploy as DeployRow } from "../../generated/prisma/client";
import { hasRole, type Role } from "../auth/roles";

/**
 * A deploy as `role` reads it, built field by field: its verdict with the measured values behind it
 * for everyone signed in and for the deployer (CI) that announced it; who announced or vetoed it,
 * the incident, the runs and Backout's notes for people (viewer and above) only; the CI job's
 * address (a location) for engineers and above only.
 */
export function deployFor(role: Role, d: DeployRow) {
  const forPeople = hasRole(role, "viewer")
    ? {
        announcedBy: d.announcedBy,
        deployRunId: d.deployRunId,
        incidentId: d.incidentId,
        vetoedBy: d.vetoedBy,
        rollbackRunId: d.rollbackRunId,
        note: d.note,
      }
    : {};
  return {
    id: d.id,
    page: `/deploys/${d.id}`,
    target: d.target,
    release: d.release,
    previousRelease: d.previousRelease,
    commit: d.commit,
    ...(hasRole(role, "engineer") ? { url: d.url } : {}),
    source: d.source,
    policy: d.policy,
    baselineUntil: d.baselineUntil.toISOString(),
    watchFrom: d.watchFrom.toISOString(),
    watchUntil: d.watchUntil.toISOString(),
    status: d.status,
    verdict: d.verdict,
    decidedAt: d.decidedAt?.toISOString() ?? null,
    actAt: d.actAt?.toISOString() ?? null,
    vetoedAt: d.vetoedAt?.toISOString() ?? null,
    afterRollback: d.afterRollback,
    restoredAt: d.restoredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
    ...forPeople,
  };
}
export type DeployJson = ReturnType<typeof deployFor>;
