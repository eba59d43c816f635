-- Issue 17: runners record the test restores they do (lib/backup-checks/care.ts).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'backout_runner') THEN
    GRANT SELECT, INSERT ON "backup_checks" TO backout_runner;
    GRANT UPDATE ("status", "workerId", "heartbeatAt", "startedAt", "finishedAt", "durationMs", "detail", "log", "error") ON "backup_checks" TO backout_runner;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'backout_runner not granted backup_checks (%): see README "Runners"', SQLERRM;
END
$$;
