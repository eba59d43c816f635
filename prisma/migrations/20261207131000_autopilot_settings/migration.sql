-- Issue 16: a target's autopilot policy as an admin changed it, and the public words a commander
-- approved in advance for the incidents the autopilot declares (held off the status page otherwise).
CREATE TABLE "autopilot_settings" (
  "target" TEXT NOT NULL,
  "policy" TEXT,
  "policySetBy" TEXT,
  "policySetAt" TIMESTAMPTZ(3),
  "publicMessage" TEXT,
  "publicApprovedBy" TEXT,
  "publicApprovedAt" TIMESTAMPTZ(3),
  CONSTRAINT "autopilot_settings_pkey" PRIMARY KEY ("target")
);

ALTER TABLE "incidents" ADD COLUMN "isPublicHeld" BOOLEAN NOT NULL DEFAULT false;
