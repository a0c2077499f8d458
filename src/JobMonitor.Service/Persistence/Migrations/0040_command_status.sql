-- What became of each command posted through the action API: pending until the saga (or CHECK) answers.
-- project/environment are the job's scope when the command was posted, so that the status stays readable by
-- those who could see the job after it is deleted.
CREATE TABLE jobmonitor.command_status (
    command_id    uuid PRIMARY KEY,
    job_id        uuid NOT NULL,
    command       text NOT NULL,
    project       text NOT NULL,
    environment   text NOT NULL,
    requested_by  text NOT NULL,
    status        text NOT NULL,
    reason_code   text NULL,
    field         text NULL,
    message       text NULL,
    duplicate     boolean NOT NULL DEFAULT false,
    requested_at  timestamptz NOT NULL,
    at            timestamptz NOT NULL
);

CREATE INDEX command_status_requested_at_idx ON jobmonitor.command_status (requested_at);
CREATE INDEX command_status_job_idx ON jobmonitor.command_status (job_id);
