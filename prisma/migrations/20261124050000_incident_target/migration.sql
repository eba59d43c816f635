-- Each incident is about one target (targets.json); its metrics, decision, checks and controls follow it.
ALTER TABLE "incidents" ADD COLUMN "target" TEXT;

-- Incidents declared before this: the target of their first run, else the most used target, else the demo.
UPDATE "incidents" i SET "target" = COALESCE(
    (SELECT r."target" FROM "runs" r WHERE r."incidentId" = i."id" ORDER BY r."createdAt" LIMIT 1),
    (SELECT r."target" FROM "runs" r GROUP BY r."target" ORDER BY count(*) DESC LIMIT 1),
    'demo');

ALTER TABLE "incidents" ALTER COLUMN "target" SET NOT NULL;

-- CreateIndex
CREATE INDEX "incidents_target_createdAt_idx" ON "incidents"("target", "createdAt");
