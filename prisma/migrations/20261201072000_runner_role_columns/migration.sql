-- backout_runner, narrowed (issue 12, after review): a runner updates only the columns the engine
-- writes, never a step's spec or who decided a gate, and never a gate's decision.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'backout_runner') THEN
    REVOKE UPDATE ON "runs", "steps", "incidents" FROM backout_runner;
    GRANT UPDATE ("status", "error", "startedAt", "finishedAt", "claimedBy", "claimedUntil", "lastSeq") ON "runs" TO backout_runner;
    GRANT UPDATE ("status", "attempts", "startedAt", "finishedAt", "error", "result", "runner") ON "steps" TO backout_runner;
    GRANT UPDATE ("status", "rollbackCompletedAt", "lastSeq") ON "incidents" TO backout_runner;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'backout_runner not narrowed (%): see README "Runners"', SQLERRM;
END
$$;

-- A gate's decision is a person's (POST /api/runs/{id}/approve): a runner's role may move the gate
-- on once decided, but never write or change its decision.
CREATE OR REPLACE FUNCTION backout_guard_gate_decision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.kind = 'approval-gate' AND NEW.result IS DISTINCT FROM OLD.result
     AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'backout_runner')
     AND pg_has_role(current_user, 'backout_runner', 'MEMBER')
     AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    RAISE EXCEPTION 'a runner may not decide an approval gate (step %)', OLD.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS "steps_guard_gate_decision" ON "steps";
CREATE TRIGGER "steps_guard_gate_decision" BEFORE UPDATE OF "result" ON "steps"
  FOR EACH ROW EXECUTE FUNCTION backout_guard_gate_decision();
