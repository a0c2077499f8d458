-- One armed trigger per job and kind; the Hangfire job that fires it is recorded once scheduled.
-- hangfire_job_id is NULL while an arm is between writing this row and scheduling its Hangfire job.
CREATE TABLE jobmonitor.job_triggers (
    job_id           uuid NOT NULL,
    kind             text NOT NULL,
    job_key          text NOT NULL,
    due_at           timestamptz NOT NULL,
    token            integer NOT NULL,
    hangfire_job_id  text NULL,
    armed_at         timestamptz NOT NULL,
    fired_at         timestamptz NULL,
    PRIMARY KEY (job_id, kind)
);

CREATE INDEX job_triggers_due_at_idx ON jobmonitor.job_triggers (due_at);
