-- The plan's lifecycle has four states: investigating → rolling back → monitoring (rolled back,
-- being verified) → resolved. "verifying" was a second name for monitoring.
UPDATE "incidents" SET "status" = 'monitoring' WHERE "status" = 'verifying';

ALTER TYPE "IncidentStatus" RENAME TO "IncidentStatus_old";
CREATE TYPE "IncidentStatus" AS ENUM ('investigating', 'rolling_back', 'monitoring', 'resolved');
ALTER TABLE "incidents" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "incidents" ALTER COLUMN "status" TYPE "IncidentStatus" USING ("status"::text::"IncidentStatus");
ALTER TABLE "incidents" ALTER COLUMN "status" SET DEFAULT 'investigating';
DROP TYPE "IncidentStatus_old";
