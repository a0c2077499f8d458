-- A step run is claimed as a lease: its row is inserted by the one worker whose conditional insert wins, the
-- heartbeat renews it, and the abend detector judges an unrenewed lease. A worker that stops before its step ends
-- (drain time-out) releases the lease; the step's result is kept with the row so that it outlives a broker outage.
ALTER TABLE jobmonitor.step_runs
    ADD COLUMN released_at timestamptz NULL,
    ADD COLUMN result jsonb NULL;

-- The reconciler re-drives a job at most once per grace time and kind, whatever the number of instances.
CREATE TABLE jobmonitor.job_recoveries (
    job_id        uuid NOT NULL,
    kind          text NOT NULL,
    recovered_at  timestamptz NOT NULL,
    PRIMARY KEY (job_id, kind)
);
