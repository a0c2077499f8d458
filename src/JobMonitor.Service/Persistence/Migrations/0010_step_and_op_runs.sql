-- Execution ledger. A step run is claimed from the saga; the worker that runs it keeps a heartbeat row here
-- (read by the abend detector) and records every op before running it, so that no op runs twice.

CREATE TABLE jobmonitor.step_runs (
    step_run_id   uuid PRIMARY KEY,
    job_id        uuid NOT NULL,
    worker        text NOT NULL,
    claimed_at    timestamptz NOT NULL,
    heartbeat_at  timestamptz NOT NULL,
    finished_at   timestamptz NULL
);

-- The abend detector scans only the step runs still going.
CREATE INDEX step_runs_unfinished_idx ON jobmonitor.step_runs (heartbeat_at) WHERE finished_at IS NULL;
CREATE INDEX step_runs_job_idx ON jobmonitor.step_runs (job_id);

CREATE TABLE jobmonitor.op_runs (
    step_run_id  uuid NOT NULL,
    op_index     integer NOT NULL,
    job_id       uuid NOT NULL,
    worker       text NOT NULL,
    started_at   timestamptz NOT NULL,
    ended_at     timestamptz NULL,
    -- NULL while the op runs; then success, warning or error.
    outcome      text NULL,
    error        text NULL,
    PRIMARY KEY (step_run_id, op_index)
);

CREATE INDEX op_runs_job_idx ON jobmonitor.op_runs (job_id);
