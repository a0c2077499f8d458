-- The job list's name substring (q) by a GiST trigram index instead of the GIN one of 0031. At 1M jobs the GIN scan for
-- a needle such as 'checkout-api 3.' intersects the posting lists of all its trigrams, some of them held by a third of
-- the names ('pi ', ' 3.'): 22 ms of the query's 26. The GiST index with 64-byte signatures finds the same rows in
-- about 6 ms; it is larger (110 MB against 39 MB at 1M jobs) and costs the saga's updates no measurable time.
-- Building it holds writes to jobmonitor.jobs for as long as it takes (20 s at 1M jobs on 2 cores).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX IF NOT EXISTS jobs_name_trgm_gist_idx ON jobmonitor.jobs USING gist (name gist_trgm_ops(siglen = 64));
        DROP INDEX IF EXISTS jobmonitor.jobs_name_trgm_idx;
    END IF;
END
$$;
