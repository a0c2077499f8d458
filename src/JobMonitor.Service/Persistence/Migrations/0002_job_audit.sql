-- Who did what to which job, when, from which status. Kept when the job is deleted.
CREATE TABLE jobmonitor.job_audit (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id       uuid NOT NULL,
    job_key      text NOT NULL,
    command_id   uuid NOT NULL,
    action       text NOT NULL,
    username     text NOT NULL,
    comment      text NULL,
    from_status  text NOT NULL,
    to_status    text NOT NULL,
    at           timestamptz NOT NULL
);

CREATE INDEX job_audit_job_idx ON jobmonitor.job_audit (job_id, id);
