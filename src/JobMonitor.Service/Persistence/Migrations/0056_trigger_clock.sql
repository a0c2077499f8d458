-- The in-process trigger clock of every workers instance reads the triggers due soon that nobody fired yet.
-- firing_at: an instance took the trigger to fire it (publish, then fired_at); a claim older than a few seconds
-- belonged to an instance that died before it published, and another instance may take the trigger again.
ALTER TABLE jobmonitor.job_triggers ADD COLUMN firing_at timestamptz NULL;

CREATE INDEX job_triggers_unfired_due_at_idx ON jobmonitor.job_triggers (due_at) WHERE fired_at IS NULL;
