-- Deploys Backout knows about (issue 16): each one is watched, judged against the target's own
-- readings before it, and under the target's autopilot policy rolled back by Backout itself.
CREATE TYPE "DeployStatus" AS ENUM ('watching', 'passed', 'marginal', 'failed', 'pending_rollback', 'vetoed', 'rolling_back', 'restored', 'still_unhealthy');

CREATE TABLE "deploys" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "target" TEXT NOT NULL,
  "release" TEXT NOT NULL,
  "previousRelease" TEXT,
  "commit" TEXT,
  "url" TEXT,
  "source" TEXT NOT NULL DEFAULT 'api',
  "announcedBy" TEXT NOT NULL,
  "deployRunId" UUID,
  "policy" TEXT NOT NULL,
  "baselineUntil" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "watchFrom" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "watchUntil" TIMESTAMPTZ(3) NOT NULL,
  "status" "DeployStatus" NOT NULL DEFAULT 'watching',
  "verdict" JSONB,
  "decidedAt" TIMESTAMPTZ(3),
  "incidentId" UUID,
  "actAt" TIMESTAMPTZ(3),
  "vetoedBy" TEXT,
  "vetoedAt" TIMESTAMPTZ(3),
  "rollbackRunId" UUID,
  "afterRollback" JSONB,
  "restoredAt" TIMESTAMPTZ(3),
  "note" TEXT,
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "deploys_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "deploys_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "incidents"("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE INDEX "deploys_target_createdAt_idx" ON "deploys"("target", "createdAt");
CREATE INDEX "deploys_status_idx" ON "deploys"("status");
-- A deploy run of Backout's own is announced once.
-- One deploy in flight per target is kept by announce-deploy.ts under an advisory lock.
CREATE UNIQUE INDEX "deploys_deployRunId_key" ON "deploys"("deployRunId");
