using JobMonitor.Service.Jobs;
using Npgsql;

namespace JobMonitor.Service.Execution.Recovery;

/// <summary>
/// Finds the jobs whose next move is overdue and takes the right to re-drive each one (job_recoveries: once per grace
/// time and kind, whatever the number of instances sweeping).
/// </summary>
public sealed class OverdueJobs(NpgsqlDataSource dataSource)
{
    static readonly string[] DispatchedStatuses = [JobStatus.Ready, JobStatus.Rollback];
    static readonly string[] ExecutingStatuses = [JobStatus.Ready, JobStatus.Running, JobStatus.Rollback];

    const string Sql = """
        WITH overdue AS (
            (SELECT j.id, 'Dispatch' AS kind, j.step_run_id, NULL::jsonb AS result
             FROM jobmonitor.jobs AS j
             WHERE j.status = ANY(@dispatched) AND j.step_run_id IS NOT NULL AND j.updated_at < clock_timestamp() - @grace
               AND NOT EXISTS (SELECT 1 FROM jobmonitor.step_runs AS r WHERE r.step_run_id = j.step_run_id))
            UNION ALL
            (SELECT j.id, 'Result', r.step_run_id, r.result
             FROM jobmonitor.jobs AS j JOIN jobmonitor.step_runs AS r ON r.step_run_id = j.step_run_id
             WHERE j.status = ANY(@executing) AND r.result IS NOT NULL AND r.finished_at < clock_timestamp() - @grace)
            UNION ALL
            (SELECT j.id, 'RunGate', NULL, NULL
             FROM jobmonitor.jobs AS j
             WHERE j.status = @ready AND j.step = @run AND j.step_run_id IS NULL AND j.scheduled_at < clock_timestamp() - @grace)
            UNION ALL
            (SELECT j.id, 'MaxStart', NULL, NULL
             FROM jobmonitor.jobs AS j
             WHERE j.max_start_at < clock_timestamp() - @grace
               AND (j.status = @approval OR (j.status = @ready AND j.step IN (@pre, @run)))
               AND NOT EXISTS (SELECT 1 FROM jobmonitor.step_runs AS r WHERE r.step_run_id = j.step_run_id))
            LIMIT @batch
        ), claimed AS (
            INSERT INTO jobmonitor.job_recoveries (job_id, kind, recovered_at)
            SELECT id, kind, clock_timestamp() FROM overdue
            ON CONFLICT (job_id, kind) DO UPDATE SET recovered_at = EXCLUDED.recovered_at
            WHERE jobmonitor.job_recoveries.recovered_at < clock_timestamp() - @grace
            RETURNING job_id, kind
        )
        SELECT o.id, o.kind, o.step_run_id, o.result::text
        FROM overdue AS o JOIN claimed AS c ON c.job_id = o.id AND c.kind = o.kind
        """;

    /// <summary>
    /// Hands the overdue jobs to <paramref name="redrive"/> before committing their recovery marks: a failed
    /// re-drive rolls them back for the next sweep.
    /// </summary>
    public async Task<int> SweepAsync(TimeSpan grace, int batchSize, Func<IReadOnlyList<RecoverJob>, Task> redrive, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var found = new List<RecoverJob>();
        await using (var command = new NpgsqlCommand(Sql, connection, transaction))
        {
            command.Parameters.AddWithValue("grace", grace);
            command.Parameters.AddWithValue("batch", batchSize);
            command.Parameters.AddWithValue("dispatched", DispatchedStatuses);
            command.Parameters.AddWithValue("executing", ExecutingStatuses);
            command.Parameters.AddWithValue("ready", JobStatus.Ready);
            command.Parameters.AddWithValue("approval", JobStatus.WaitingForApproval);
            command.Parameters.AddWithValue("pre", JobStep.Pre.ToString());
            command.Parameters.AddWithValue("run", JobStep.Run.ToString());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                found.Add(new RecoverJob
                {
                    JobId = reader.GetGuid(0),
                    Kind = Enum.Parse<JobRecoveryKind>(reader.GetString(1)),
                    StepRunId = reader.IsDBNull(2) ? null : reader.GetGuid(2),
                    Result = reader.IsDBNull(3) ? null : ExecutionLedger.ReadResult(reader.GetString(3)),
                });
        }
        if (found.Count == 0)
            return 0;
        await redrive(found);
        await transaction.CommitAsync(cancellationToken);
        return found.Count;
    }
}
