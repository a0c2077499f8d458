using JobMonitor.Service.Jobs;
using Npgsql;

namespace JobMonitor.Service.Execution.Liveness;

/// <summary>Finds and marks the step runs whose worker stopped heartbeating while their job still waits for them.</summary>
public sealed class AbandonedStepRuns(NpgsqlDataSource dataSource)
{
    // The same statuses as a current claim in the ledger: only a job still executing ops waits for its step run.
    static readonly string[] ExecutingStatuses = [JobStatus.Running, JobStatus.Rollback];

    /// <summary>
    /// Marks the step runs whose heartbeat is older than <paramref name="threshold"/> and hands them to
    /// <paramref name="report"/> before committing: a failed report rolls the marks back for the next sweep. A
    /// concurrent sweep waits on the row locks and then skips the rows (abandoned_at is set), so one instance reports.
    /// </summary>
    public async Task<int> SweepAsync(
        TimeSpan threshold, Func<IReadOnlyList<AbandonedStepRun>, Task> report, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE jobmonitor.step_runs AS r SET abandoned_at = clock_timestamp()
            FROM jobmonitor.jobs AS j
            WHERE r.finished_at IS NULL
              AND r.abandoned_at IS NULL
              AND r.heartbeat_at < clock_timestamp() - @threshold
              AND j.id = r.job_id
              AND j.step_run_id = r.step_run_id
              AND j.status = ANY(@statuses)
            RETURNING r.step_run_id, r.job_id, r.worker, r.heartbeat_at
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var found = new List<AbandonedStepRun>();
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        {
            command.Parameters.AddWithValue("threshold", threshold);
            command.Parameters.AddWithValue("statuses", ExecutingStatuses);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                found.Add(new AbandonedStepRun(
                    reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }
        if (found.Count == 0)
            return 0;
        await report(found);
        await transaction.CommitAsync(cancellationToken);
        return found.Count;
    }
}
