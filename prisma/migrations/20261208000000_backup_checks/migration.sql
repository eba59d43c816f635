-- Issue 17: test restores of each target's newest backups (Checkpoint 1's "backup available").
CREATE TABLE "backup_checks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "target" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "backup" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "requestedBy" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "workerId" TEXT,
    "heartbeatAt" TIMESTAMPTZ(3),
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "durationMs" INTEGER,
    "detail" JSONB,
    "log" JSONB NOT NULL DEFAULT '[]',
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "backup_checks_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "backup_checks_target_kind_createdAt_idx" ON "backup_checks"("target", "kind", "createdAt");
CREATE INDEX "backup_checks_status_idx" ON "backup_checks"("status");
