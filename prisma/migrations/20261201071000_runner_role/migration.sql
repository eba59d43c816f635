-- What a runner may do in Backout's database, and nothing more: read and move runs and their steps,
-- write their events, release a target's lock, and move the incident a run belongs to (its status,
-- clock and timeline). No users, sessions, tokens, audit, messages or metrics. A runner on another
-- host logs in as a role of its own that is a member of this one:
--   CREATE ROLE runner_eu LOGIN PASSWORD '…' IN ROLE backout_runner;
-- Roles belong to the whole cluster: made once, granted in every Backout database. Where the
-- migrating user may not create roles (a managed database), this part is skipped with a notice.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'backout_runner') THEN
    CREATE ROLE backout_runner NOLOGIN;
  END IF;
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO backout_runner', current_database());
  GRANT USAGE ON SCHEMA public TO backout_runner;
  GRANT SELECT, UPDATE ON "runs", "steps", "incidents" TO backout_runner;
  GRANT SELECT, INSERT ON "run_events", "incident_events" TO backout_runner;
  GRANT SELECT, DELETE ON "target_locks" TO backout_runner;
  GRANT USAGE ON SEQUENCE "run_events_id_seq", "incident_events_id_seq" TO backout_runner;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'backout_runner not created or not granted (%): runners then need a role the operator grants by hand; see README "Runners"', SQLERRM;
END
$$;
