-- The order commands for one job were published in: the ordered relay (job-commands, one consumer at a time) numbers
-- each command per job; the saga applies number n only once n-1 is applied (or has waited too long).
CREATE TABLE jobmonitor.job_command_order (
    job_id        uuid NOT NULL,
    sequence      integer NOT NULL,
    sequenced_at  timestamptz NOT NULL,
    applied_at    timestamptz NULL,
    PRIMARY KEY (job_id, sequence)
);

CREATE INDEX job_command_order_sequenced_at_idx ON jobmonitor.job_command_order (sequenced_at);
