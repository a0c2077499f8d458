CREATE SCHEMA IF NOT EXISTS jobmonitor;

CREATE TABLE jobmonitor.jobs (
    id            uuid PRIMARY KEY,
    version       integer NOT NULL,
    status        text NOT NULL,
    step          text NOT NULL,
    key           text NOT NULL UNIQUE,
    name          text NOT NULL,
    project       text NOT NULL,
    environment   text NOT NULL,
    type          text NOT NULL,
    progress      double precision NOT NULL DEFAULT 0,
    scheduled_at  timestamptz NOT NULL,
    max_start_at  timestamptz NOT NULL,
    started_at    timestamptz NULL,
    ended_at      timestamptz NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    step_run_id   uuid NULL,
    data          jsonb NOT NULL
);

CREATE INDEX jobs_created_at_idx ON jobmonitor.jobs (created_at DESC, id DESC);
CREATE INDEX jobs_status_idx ON jobmonitor.jobs (status);

-- Keys are allocated per job type and environment prefix from one sequence: N.PROD-00000042.
CREATE SEQUENCE jobmonitor.job_key_seq;

CREATE TABLE jobmonitor.job_log (
    seq       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id    uuid NOT NULL,
    exec      integer NOT NULL,
    step      text NOT NULL,
    op        text NULL,
    level     text NOT NULL,
    text      text NOT NULL,
    at        timestamptz NOT NULL,
    trace_id  text NULL
);

CREATE INDEX job_log_job_seq_idx ON jobmonitor.job_log (job_id, seq);
