-- Indexes of the job list (GET /api/jobs). Each sort has a (column, id) index walked from the keyset cursor on, in
-- either direction; the monitor's common filters (a status tab, a project) have one ordered by creation, newest
-- first, so their first and next pages read about one page of rows. IF NOT EXISTS: the list benchmark drops and
-- re-runs this script to measure the list with and without them.
CREATE INDEX IF NOT EXISTS jobs_scheduled_at_idx ON jobmonitor.jobs (scheduled_at, id);
CREATE INDEX IF NOT EXISTS jobs_started_at_idx ON jobmonitor.jobs (started_at, id);
CREATE INDEX IF NOT EXISTS jobs_ended_at_idx ON jobmonitor.jobs (ended_at, id);
CREATE INDEX IF NOT EXISTS jobs_status_created_idx ON jobmonitor.jobs (status, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS jobs_project_created_idx ON jobmonitor.jobs (project, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS jobs_project_status_created_idx ON jobmonitor.jobs (project, status, created_at DESC, id DESC);
-- The counts per status (the monitor's tabs) count index entries, not rows, for filters on project, environment,
-- step and type and for scopes (an index-only scan: no heap page read once vacuum marked the pages all-visible).
CREATE INDEX IF NOT EXISTS jobs_counts_idx ON jobmonitor.jobs (project, environment, status, step, type);
CREATE INDEX IF NOT EXISTS jobs_natures_idx ON jobmonitor.jobs USING gin (natures);

-- Text search (q), case-insensitive: a key prefix on a lower(key) btree (trigrams of keys are mostly digits and
-- match half the table), a name substring on trigrams when the extension can be installed; else names are scanned.
CREATE INDEX IF NOT EXISTS jobs_key_lower_idx ON jobmonitor.jobs (lower(key) text_pattern_ops);
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE INDEX IF NOT EXISTS jobs_name_trgm_idx ON jobmonitor.jobs USING gin (name gin_trgm_ops);
    END IF;
END
$$;
