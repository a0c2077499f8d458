-- Whether any of the jobs has outbox rows the relay may send now, or rows that failed: a writer's new rows then go to
-- the relay too, behind them (OutboxTable's InsertSql). It was a subquery of that insert. Planned on an outbox whose
-- rows the planner had not counted yet (before the first ANALYZE, or after a burst), PostgreSQL expected one row in
-- ten to match and took a sequential scan that would stop at the first: with no row waiting, which is nearly always,
-- it read the whole table instead. In 2,000-job bench runs that was 2,900-6,200 pages and 2.7-9.8 ms per write (in
-- 23 of 37 databases on one machine), against 0.21-0.35 ms through the index. Here the plan is made with sequential
-- scans off: an index probe per job.
CREATE FUNCTION jobmonitor.outbox_rows_waiting(job_ids uuid[]) RETURNS boolean
LANGUAGE plpgsql STABLE
SET enable_seqscan = off
AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM jobmonitor.outbox_messages
        WHERE job_id = ANY(job_ids) AND (not_before <= now() OR attempts > 0));
END
$$;
