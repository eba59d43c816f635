import type { Deploy as DeployRow } from "../../generated/prisma/client";
import { hasRole, type Role } from "../auth/roles";

/**
 * A deploy as `role` reads it, built field by field: its verdict with the measured values behind it
 * for everyone signed in; the CI job's address (a location) for engineers and above only.
 */
export function deployFor(role: Role, d: DeployRow) {
  return {
    id: d.id,
    page: `/deploys/${d.id}`,
    target: d.target,
    release: d.release,
    previousRelease: d.previousRelease,
    commit: d.commit,
    ...(hasRole(role, "engineer") ? { url: d.url } : {}),
    source: d.source,
    announcedBy: d.announcedBy,
    deployRunId: d.deployRunId,
    policy: d.policy,
    baselineUntil: d.baselineUntil.toISOString(),
    watchFrom: d.watchFrom.toISOString(),
    watchUntil: d.watchUntil.toISOString(),
    status: d.status,
    verdict: d.verdict,
    decidedAt: d.decidedAt?.toISOString() ?? null,
    incidentId: d.incidentId,
    actAt: d.actAt?.toISOString() ?? null,
    vetoedBy: d.vetoedBy,
    vetoedAt: d.vetoedAt?.toISOString() ?? null,
    rollbackRunId: d.rollbackRunId,
    afterRollback: d.afterRollback,
    restoredAt: d.restoredAt?.toISOString() ?? null,
    note: d.note,
    createdAt: d.createdAt.toISOString(),
  };
}
export type DeployJson = ReturnType<typeof deployFor>;
