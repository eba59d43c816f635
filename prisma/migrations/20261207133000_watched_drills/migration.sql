-- Issue 16: the "bad deploy" drill, whose break run the autopilot watches and rolls back.
ALTER TABLE "incidents" ADD COLUMN "isDrillWatched" BOOLEAN NOT NULL DEFAULT false;
