using Npgsql;

namespace JobMonitor.Service.Persistence;

/// <summary>
/// The rollup of jobs per project, environment and status (migration 0032): <see cref="FoldAsync" /> moves the
/// recorded changes into the totals; <see cref="Source" /> is what a count reads, totals plus changes not folded yet.
/// Nature <see cref="AllJobs" /> counts every job; a job also counts once under each of its natures.
/// </summary>
public static class JobCounts
{
    public const string AllJobs = "";

    /// <summary>A relation with columns project, environment, status, nature and jobs, to count from.</summary>
    public const string Source = """
        (SELECT project, environment, status, nature, jobs FROM jobmonitor.job_counts
         UNION ALL
         SELECT project, environment, status, nature, delta FROM jobmonitor.job_count_changes) counted
        """;

    // One folder at a time across instances (the others skip a turn): two folds upserting the same totals in
    // different orders could deadlock. The advisory lock is held until the transaction ends.
    const string Fold = """
        WITH turn AS (SELECT pg_try_advisory_xact_lock(hashtext('jobmonitor.job_counts')) AS mine),
        moved AS (
            DELETE FROM jobmonitor.job_count_changes WHERE (SELECT mine FROM turn)
            RETURNING project, environment, status, nature, delta
        )
        INSERT INTO jobmonitor.job_counts AS total (project, environment, status, nature, jobs)
        SELECT project, environment, status, nature, sum(delta) FROM moved GROUP BY project, environment, status, nature
        ON CONFLICT (project, environment, status, nature) DO UPDATE SET jobs = total.jobs + excluded.jobs
        """;

    const string DropEmpty = "DELETE FROM jobmonitor.job_counts WHERE jobs = 0";

    /// <summary>Folds the changes recorded so far into the totals; returns how many totals it touched.</summary>
    public static async Task<int> FoldAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var fold = new NpgsqlCommand(Fold, connection, transaction);
        var touched = await fold.ExecuteNonQueryAsync(cancellationToken);
        if (touched > 0)
        {
            await using var dropEmpty = new NpgsqlCommand(DropEmpty, connection, transaction);
            await dropEmpty.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return touched;
    }
}
