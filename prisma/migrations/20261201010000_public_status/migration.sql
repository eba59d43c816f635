-- The public status page: what a commander marks public about an incident, and each target's
-- health per day (kept beyond the samples' retention, for the uptime history bar).
ALTER TABLE "incidents" ADD COLUMN "publicTitle" TEXT;
ALTER TABLE "incidents" ADD COLUMN "isReleasePublic" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "target_health_days" (
    "target" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "samples" INTEGER NOT NULL DEFAULT 0,
    "up" INTEGER NOT NULL DEFAULT 0,
    "degraded" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "target_health_days_pkey" PRIMARY KEY ("target","day")
);
