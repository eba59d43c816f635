-- Drills (issue 10): a practice incident, worked like a real one, kept apart from the real ones:
-- never on the public status page, never sent to a channel, not in baselines.
ALTER TABLE "incidents" ADD COLUMN "isDrill" BOOLEAN NOT NULL DEFAULT false;
-- The runbook a drill rehearses (its "last drilled" is read from here).
ALTER TABLE "incidents" ADD COLUMN "drillRunbook" TEXT;
CREATE INDEX "incidents_isDrill_target_idx" ON "incidents"("isDrill", "target");
