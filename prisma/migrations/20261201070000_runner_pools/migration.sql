-- Runner pools (issue 12): each run goes to its target's pool, and each step records the runner
-- (host:pid:id) that executed it.
ALTER TABLE "runs" ADD COLUMN "pool" TEXT NOT NULL DEFAULT 'local';
ALTER TABLE "steps" ADD COLUMN "runner" TEXT;
-- The reconciler looks for a pool's runs that no runner holds.
CREATE INDEX "runs_pool_status_idx" ON "runs"("pool", "status");
