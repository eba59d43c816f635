-- Issue 16: plan §11.1's emergency rollback, started by the autopilot after the veto window when an
-- open incident's decision reaches a "yes — immediately" row on a target under "act". Once per incident.
CREATE TABLE "autopilot_emergencies" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "incidentId" UUID NOT NULL,
  "target" TEXT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'pending',
  "why" JSONB NOT NULL DEFAULT '[]',
  "actAt" TIMESTAMPTZ(3) NOT NULL,
  "vetoedBy" TEXT,
  "vetoedAt" TIMESTAMPTZ(3),
  "runId" UUID,
  "note" TEXT,
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "autopilot_emergencies_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "autopilot_emergencies_incidentId_key" ON "autopilot_emergencies"("incidentId");

ALTER TABLE "autopilot_emergencies" ADD CONSTRAINT "autopilot_emergencies_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
