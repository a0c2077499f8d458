-- Every command id applied to a job, kept for Jobs:CommandIdRetention (not only the last few in the saga), so that a
-- late repeat is acknowledged and not applied twice. Written in the saga's transaction.
CREATE TABLE jobmonitor.command_ids (
    command_id  uuid PRIMARY KEY,
    job_id      uuid NOT NULL,
    command     text NOT NULL,
    at          timestamptz NOT NULL
);

CREATE INDEX command_ids_at_idx ON jobmonitor.command_ids (at);

-- Jobs removed by a delete: their ids stay taken, so a replayed create does not bring a job back.
CREATE TABLE jobmonitor.deleted_jobs (
    job_id      uuid PRIMARY KEY,
    deleted_at  timestamptz NOT NULL
);
