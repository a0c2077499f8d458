-- The abend detector marks a step run whose worker stopped heartbeating before reporting it, so that it is
-- reported once however many instances sweep.
ALTER TABLE jobmonitor.step_runs ADD COLUMN abandoned_at timestamptz NULL;

-- The sweep only looks at step runs still going and not yet reported.
DROP INDEX jobmonitor.step_runs_unfinished_idx;
CREATE INDEX step_runs_unreported_idx ON jobmonitor.step_runs (heartbeat_at)
    WHERE finished_at IS NULL AND abandoned_at IS NULL;
