using JobMonitor.Service.Jobs;
using Npgsql;

namespace JobMonitor.Service.Persistence;

/// <summary>
/// A job whose next move is overdue, as found: <paramref name="Kind"/> names the move (Dispatch, Result, RunGate,
/// MaxStart), <paramref name="Result"/> is the stored step result as JSON (Result), <paramref name="TraceParent"/> the
/// context of the job's current execution (its trace).
/// </summary>
public sealed record OverdueJob(Guid JobId, string Kind, Guid? StepRunId, string? Result, string? TraceParent);

/// <summary>
/// jobmonitor.job_recoveries: the right to re-drive an overdue job, once per grace time and kind whatever the number
/// of instances sweeping.
/// </summary>
public static class JobRecoveryClaims
{
    static readonly string[] DispatchedStatuses = JobStatuses.StateNames(JobStatus.Ready, JobStatus.Rollback);

    const string ClaimOverdueSql = """
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
               AND NOT EXISTS (SELECT 1 FROM jobmonitor.step_runs AS r
                               WHERE r.step_run_id = COALESCE(j.step_run_id, j.gate_step_run_id)))
            LIMIT @batch
        ), claimed AS (
            INSERT INTO jobmonitor.job_recoveries (job_id, kind, recovered_at)
            SELECT id, kind, clock_timestamp() FROM overdue
            ON CONFLICT (job_id, kind) DO UPDATE SET recovered_at = EXCLUDED.recovered_at
            WHERE jobmonitor.job_recoveries.recovered_at < clock_timestamp() - @grace
            RETURNING job_id, kind
        )
        SELECT o.id, o.kind, o.step_run_id, o.result::text, j.data->>'traceParent'
        FROM overdue AS o JOIN claimed AS c ON c.job_id = o.id AND c.kind = o.kind
        JOIN jobmonitor.jobs AS j ON j.id = o.id
        """;

    /// <summary>
    /// Finds up to <paramref name="batchSize"/> jobs overdue by more than <paramref name="grace"/> and marks their
    /// recovery in the caller's transaction: rolling it back gives them to the next sweep.
    /// </summary>
    public static async Task<IReadOnlyList<OverdueJob>> ClaimOverdueAsync(NpgsqlConnection connection,
        NpgsqlTransaction transaction, TimeSpan grace, int batchSize, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ClaimOverdueSql, connection, transaction);
        command.Parameters.AddWithValue("grace", grace);
        command.Parameters.AddWithValue("batch", batchSize);
        command.Parameters.AddWithValue("dispatched", DispatchedStatuses);
        command.Parameters.AddWithValue("executing", StepRunLeases.ExecutingStatuses);
        command.Parameters.AddWithValue("ready", JobStatus.Ready.StateName());
        command.Parameters.AddWithValue("approval", JobStatus.WaitingForApproval.StateName());
        command.Parameters.AddWithValue("pre", JobStep.Pre.ToString());
        command.Parameters.AddWithValue("run", JobStep.Run.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new List<OverdueJob>();
        while (await reader.ReadAsync(cancellationToken))
            found.Add(new OverdueJob(
                reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetGuid(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        return found;
    }
}
