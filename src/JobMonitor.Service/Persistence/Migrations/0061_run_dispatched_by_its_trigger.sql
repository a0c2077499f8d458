-- A job waiting at its RUN gate has its RUN step run prepared: the gate's trigger dispatches it at the date, before
-- the saga hears of the trigger. A worker may lease it while it is the job's gate_step_run_id (or its step_run_id).
ALTER TABLE jobmonitor.jobs ADD COLUMN gate_step_run_id uuid NULL;

-- The RunJobStep a RUN-gate trigger publishes when it fires (null: the saga dispatches RUN itself, as for triggers
-- armed before this column).
ALTER TABLE jobmonitor.job_triggers ADD COLUMN dispatch jsonb NULL;
