-- A log line longer than the line limit keeps its head in text and the whole of it here, downloadable (SPEC §7).
ALTER TABLE jobmonitor.job_log ADD COLUMN attachment text;
