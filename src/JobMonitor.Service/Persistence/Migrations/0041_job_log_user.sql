-- The user who wrote a comment line (SPEC §7); NULL for the lines the service writes.
ALTER TABLE jobmonitor.job_log ADD COLUMN username text NULL;
