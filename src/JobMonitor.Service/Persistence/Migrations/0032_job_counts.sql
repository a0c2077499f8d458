-- Jobs per project, environment, status and nature, for the monitor's tabs without counting a million index entries.
-- Nature '' counts every job; a job with natures also counts once under each of them. Every change of a job's
-- (project, environment, status, natures) appends to job_count_changes (insert-only: no row that concurrent saga
-- saves would queue on); JobCountFolder folds those into job_counts every second. A count reads both tables, so it
-- is exact, not a second behind.
CREATE TABLE jobmonitor.job_counts (
    project     text   NOT NULL,
    environment text   NOT NULL,
    status      text   NOT NULL,
    nature      text   NOT NULL,
    jobs        bigint NOT NULL,
    PRIMARY KEY (project, environment, status, nature)
);

CREATE TABLE jobmonitor.job_count_changes (
    project     text    NOT NULL,
    environment text    NOT NULL,
    status      text    NOT NULL,
    nature      text    NOT NULL,
    delta       integer NOT NULL
);

CREATE FUNCTION jobmonitor.record_job_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO jobmonitor.job_count_changes
        SELECT OLD.project, OLD.environment, OLD.status, nature, -1
        FROM unnest(array_prepend('', coalesce(OLD.natures, '{}'))) AS nature;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO jobmonitor.job_count_changes
        SELECT NEW.project, NEW.environment, NEW.status, nature, 1
        FROM unnest(array_prepend('', coalesce(NEW.natures, '{}'))) AS nature;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER jobs_counted_on_insert_or_delete AFTER INSERT OR DELETE ON jobmonitor.jobs
    FOR EACH ROW EXECUTE FUNCTION jobmonitor.record_job_count_change();

-- A saga save rewrites every column: only a real move between counts is recorded.
CREATE TRIGGER jobs_counted_on_move AFTER UPDATE ON jobmonitor.jobs
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.project IS DISTINCT FROM NEW.project
          OR OLD.environment IS DISTINCT FROM NEW.environment OR OLD.natures IS DISTINCT FROM NEW.natures)
    EXECUTE FUNCTION jobmonitor.record_job_count_change();

INSERT INTO jobmonitor.job_counts (project, environment, status, nature, jobs)
SELECT project, environment, status, nature, count(*)
FROM jobmonitor.jobs, unnest(array_prepend('', coalesce(natures, '{}'))) AS nature
GROUP BY project, environment, status, nature;
