using System.ComponentModel.DataAnnotations;
using JobMonitor.Service.Jobs;
using Npgsql;

namespace JobMonitor.Service.Persistence;

/// <summary>
/// Section <c>Jobs</c>: how long an ended job is kept after it ended (<c>Jobs:Retention</c>; zero keeps jobs for
/// ever), how often the sweep looks and how many jobs one of its transactions removes.
/// </summary>
public sealed class JobRetentionOptions
{
    public const string Section = "Jobs";

    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(1);

    [Range(1, 100_000)]
    public int RetentionBatch { get; set; } = 500;

    public bool Enabled => Retention > TimeSpan.Zero;
}

/// <summary>What a sweep removed: jobs, and the rows of their log, step runs, op runs and triggers.</summary>
public sealed record PurgedJobs(long Jobs, long Rows, IReadOnlyList<string> PendingHangfireJobs)
{
    public static readonly PurgedJobs None = new(0, 0, []);

    public PurgedJobs Add(PurgedJobs other) =>
        new(Jobs + other.Jobs, Rows + other.Rows, [.. PendingHangfireJobs, .. other.PendingHangfireJobs]);
}

/// <summary>
/// Removes jobs that ended longer ago than the retention, with their log, execution ledger, reconciler marks and triggers; their audit
/// entries stay (jobmonitor.job_audit is kept, as for a deleted job), and their ids stay taken in
/// jobmonitor.deleted_jobs, so a replayed create is refused (job_deleted) instead of running the job again. The rows leave jobmonitor.jobs through a plain
/// DELETE, so the count triggers (migration 0032) take them out of the counts: the monitor's counts keep matching
/// its list.
/// </summary>
public static class JobRetention
{
    /// <summary>Statuses a job only leaves by an operator's rerun or delete.</summary>
    public static IReadOnlyList<JobStatus> EndedStatuses { get; } =
        [JobStatus.Finished, JobStatus.Error, JobStatus.Canceled, JobStatus.Expired, JobStatus.Rejected, JobStatus.Abend];

    // One sweeper at a time across instances, per batch: a second one would only contend for the same rows.
    const string TakeTurn = "SELECT pg_try_advisory_xact_lock(hashtext('jobmonitor.job_retention'))";

    // Oldest first along jobs_ended_at_idx; SKIP LOCKED leaves a job a saga transaction holds (a rerun coming in) to a
    // later turn, and the status is read again under the row lock, so a job rerun meanwhile is not taken.
    const string PurgeBatch = """
        WITH purged AS (
            DELETE FROM jobmonitor.jobs
            WHERE id IN (
                SELECT id FROM jobmonitor.jobs
                WHERE ended_at < @before AND status = ANY(@ended)
                ORDER BY ended_at
                LIMIT @batch
                FOR UPDATE SKIP LOCKED)
            RETURNING id),
        log AS (DELETE FROM jobmonitor.job_log WHERE job_id IN (SELECT id FROM purged) RETURNING 1),
        ops AS (DELETE FROM jobmonitor.op_runs WHERE job_id IN (SELECT id FROM purged) RETURNING 1),
        steps AS (DELETE FROM jobmonitor.step_runs WHERE job_id IN (SELECT id FROM purged) RETURNING 1),
        recoveries AS (DELETE FROM jobmonitor.job_recoveries WHERE job_id IN (SELECT id FROM purged) RETURNING 1),
        triggers AS (DELETE FROM jobmonitor.job_triggers WHERE job_id IN (SELECT id FROM purged) RETURNING hangfire_job_id, fired_at)
        SELECT (SELECT count(*) FROM purged),
               (SELECT count(*) FROM log) + (SELECT count(*) FROM ops) + (SELECT count(*) FROM steps) + (SELECT count(*) FROM recoveries)
                 + (SELECT count(*) FROM triggers),
               ARRAY(SELECT hangfire_job_id FROM triggers WHERE hangfire_job_id IS NOT NULL AND fired_at IS NULL),
               ARRAY(SELECT id FROM purged)
        """;

    const string RememberPurged = """
        INSERT INTO jobmonitor.deleted_jobs (job_id, deleted_at) SELECT unnest(@ids), now() ON CONFLICT (job_id) DO NOTHING
        """;

    /// <summary>
    /// Removes the jobs ended before <paramref name="before"/>, <paramref name="batch"/> per transaction so that no
    /// lock is held long, until none is left or another instance holds the sweeper's turn. Each committed batch is
    /// reported to <paramref name="batches"/> (the benchmark times them).
    /// </summary>
    public static async Task<PurgedJobs> SweepAsync(
        NpgsqlDataSource dataSource, DateTimeOffset before, int batch, CancellationToken cancellationToken, IProgress<PurgedJobs>? batches = null)
    {
        var total = PurgedJobs.None;
        while (await PurgeBatchAsync(dataSource, before, batch, cancellationToken) is { } purged)
        {
            batches?.Report(purged);
            total = total.Add(purged);
            if (purged.Jobs < batch)
                break;
        }
        return total;
    }

    /// <summary>One batch in one transaction; null when another instance is sweeping.</summary>
    static async Task<PurgedJobs?> PurgeBatchAsync(NpgsqlDataSource dataSource, DateTimeOffset before, int batch, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var turn = new NpgsqlCommand(TakeTurn, connection, transaction))
        {
            if (!(bool)(await turn.ExecuteScalarAsync(cancellationToken))!)
                return null;
        }
        await using var purge = new NpgsqlCommand(PurgeBatch, connection, transaction);
        purge.Parameters.AddWithValue("before", before);
        purge.Parameters.AddWithValue("ended", JobStatuses.StateNames(EndedStatuses));
        purge.Parameters.AddWithValue("batch", batch);
        PurgedJobs purged;
        Guid[] ids;
        await using (var reader = await purge.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            purged = new PurgedJobs(reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<string[]>(2));
            ids = reader.GetFieldValue<Guid[]>(3);
        }
        await using (var remember = new NpgsqlCommand(RememberPurged, connection, transaction))
        {
            remember.Parameters.AddWithValue("ids", ids);
            await remember.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return purged;
    }
}
