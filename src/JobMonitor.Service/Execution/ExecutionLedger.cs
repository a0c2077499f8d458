using System.Text.Json;
using JobMonitor.Service.Jobs;
using Npgsql;
using NpgsqlTypes;

namespace JobMonitor.Service.Execution;

/// <summary>
/// The step_runs leases and the op_runs ledger. Leases are stamped with the database clock so that the abend detector
/// compares them with one clock whatever instance wrote them.
/// </summary>
public sealed class ExecutionLedger(NpgsqlDataSource dataSource)
{
    // The job waits for its current step run in these statuses: Ready until the saga has heard that it started.
    static readonly string[] ExecutingStatuses = [JobStatus.Ready, JobStatus.Running, JobStatus.Rollback];

    static readonly JsonSerializerOptions ResultJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Takes the lease on a step run, only while it is its job's current one and nobody holds it: the first worker
    /// wins, a late or duplicate delivery finds the row and gets false. The share lock makes a concurrent saga update
    /// (cancel, supersede) either wait for this insert or be seen by it.
    /// </summary>
    public async Task<bool> TryClaimAsync(Guid stepRunId, Guid jobId, string worker, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO jobmonitor.step_runs (step_run_id, job_id, worker, claimed_at, heartbeat_at)
            SELECT @step_run_id, @job_id, @worker, clock_timestamp(), clock_timestamp()
            WHERE EXISTS (
                SELECT 1 FROM jobmonitor.jobs
                WHERE id = @job_id AND step_run_id = @step_run_id AND status = ANY(@statuses)
                FOR SHARE)
            ON CONFLICT (step_run_id) DO NOTHING
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("step_run_id", stepRunId);
        command.Parameters.AddWithValue("job_id", jobId);
        command.Parameters.AddWithValue("worker", worker);
        command.Parameters.AddWithValue("statuses", ExecutingStatuses);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Renews the lease held by <paramref name="worker"/> and tells whether the step run is still worth running: the
    /// lease may have been taken away (abend) or the job may have moved on (canceled, expired, deleted).
    /// </summary>
    public async Task<LeaseRenewal> RenewAsync(Guid stepRunId, string worker, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE jobmonitor.step_runs AS r SET heartbeat_at = clock_timestamp()
            WHERE r.step_run_id = @step_run_id AND r.worker = @worker
              AND r.finished_at IS NULL AND r.abandoned_at IS NULL AND r.released_at IS NULL
            RETURNING (SELECT j.status FROM jobmonitor.jobs AS j
                       WHERE j.id = r.job_id AND j.step_run_id = r.step_run_id AND j.status = ANY(@statuses))
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("step_run_id", stepRunId);
        command.Parameters.AddWithValue("worker", worker);
        command.Parameters.AddWithValue("statuses", ExecutingStatuses);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return LeaseRenewal.Lost;
        return reader.IsDBNull(0) ? LeaseRenewal.NotCurrent : LeaseRenewal.Held;
    }

    /// <summary>Gives up the leases of step runs this worker stops before they end (drain time-out).</summary>
    public async Task ReleaseAsync(IReadOnlyList<Guid> stepRunIds, string worker, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE jobmonitor.step_runs SET released_at = clock_timestamp()
            WHERE step_run_id = ANY(@step_run_ids) AND worker = @worker AND finished_at IS NULL
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("step_run_ids", stepRunIds.ToArray());
        command.Parameters.AddWithValue("worker", worker);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Ends the step run in one transaction with the ledger row of its last op: the result is durable before it is
    /// published, so a result the broker lost is sent again by the reconciler. A null result: nobody waits for one.
    /// </summary>
    public async Task FinishStepAsync(Guid stepRunId, OpResult? lastOp, StepRunFinished? result, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        if (lastOp is not null)
            batch.BatchCommands.Add(EndOpCommand(stepRunId, lastOp));
        var finish = new NpgsqlBatchCommand("""
            UPDATE jobmonitor.step_runs SET finished_at = clock_timestamp(), heartbeat_at = clock_timestamp(), result = @result
            WHERE step_run_id = @step_run_id
            """);
        finish.Parameters.AddWithValue("step_run_id", stepRunId);
        finish.Parameters.Add(new NpgsqlParameter("result", NpgsqlDbType.Jsonb)
        {
            Value = result is null ? DBNull.Value : WriteResult(result),
        });
        batch.BatchCommands.Add(finish);
        // A batch runs in one implicit transaction.
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A result as stored in step_runs.result.</summary>
    public static string WriteResult(StepRunFinished result) => JsonSerializer.Serialize(result, ResultJson);

    public static StepRunFinished? ReadResult(string json) => JsonSerializer.Deserialize<StepRunFinished>(json, ResultJson);

    /// <summary>
    /// Records the op's start only while this worker holds the lease of the job's current step run. False: the op
    /// must not run.
    /// </summary>
    public async Task<bool> TryBeginOpAsync(
        Guid stepRunId, int opIndex, Guid jobId, string worker, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO jobmonitor.op_runs (step_run_id, op_index, job_id, worker, started_at)
            SELECT @step_run_id, @op_index, @job_id, @worker, @started_at
            WHERE EXISTS (
                SELECT 1 FROM jobmonitor.jobs
                WHERE id = @job_id AND step_run_id = @step_run_id AND status = ANY(@statuses)
                FOR SHARE)
              AND EXISTS (
                SELECT 1 FROM jobmonitor.step_runs
                WHERE step_run_id = @step_run_id AND worker = @worker AND abandoned_at IS NULL AND released_at IS NULL)
            ON CONFLICT (step_run_id, op_index) DO NOTHING
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("step_run_id", stepRunId);
        command.Parameters.AddWithValue("op_index", opIndex);
        command.Parameters.AddWithValue("job_id", jobId);
        command.Parameters.AddWithValue("worker", worker);
        command.Parameters.AddWithValue("started_at", startedAt);
        command.Parameters.AddWithValue("statuses", ExecutingStatuses);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task EndOpAsync(Guid stepRunId, OpResult op, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(EndOpCommand(stepRunId, op));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    static NpgsqlBatchCommand EndOpCommand(Guid stepRunId, OpResult op)
    {
        var command = new NpgsqlBatchCommand("""
            UPDATE jobmonitor.op_runs SET ended_at = @ended_at, outcome = @outcome, error = @error
            WHERE step_run_id = @step_run_id AND op_index = @op_index
            """);
        command.Parameters.AddWithValue("step_run_id", stepRunId);
        command.Parameters.AddWithValue("op_index", op.Index);
        command.Parameters.AddWithValue("ended_at", op.EndedAt);
        command.Parameters.AddWithValue("outcome", op.Outcome);
        command.Parameters.AddWithValue("error", (object?)op.Error ?? DBNull.Value);
        return command;
    }
}

/// <summary>What a lease renewal found.</summary>
public enum LeaseRenewal
{
    /// <summary>Renewed; the step run is still its job's current one.</summary>
    Held,

    /// <summary>Renewed, but the job moved on (canceled, expired, deleted): the step must stop.</summary>
    NotCurrent,

    /// <summary>Not renewed: the lease was judged expired (abend) or released; someone else decides now.</summary>
    Lost,
}
