using System.Text.Json;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace JobMonitor.Service.Execution;

/// <summary>
/// The ends of step runs and ops: releases, results and outcomes. Claims, renewals and op starts, which hold only while
/// the step run is its job's current one, are in <see cref="Persistence.StepRunLeases"/>.
/// </summary>
public sealed class ExecutionLedger(NpgsqlDataSource dataSource)
{
    static readonly JsonSerializerOptions ResultJson = new(JsonSerializerDefaults.Web);

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
    /// Ends the step run in one transaction with the ledger row of its last op and its last log lines: the result is
    /// durable before it is published, so a result the broker lost is sent again by the reconciler. A null result:
    /// nobody waits for one.
    /// </summary>
    public async Task FinishStepAsync(Guid stepRunId, OpResult? lastOp, StepRunFinished? result,
        IReadOnlyList<JobLogEntry> logLines, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        if (logLines.Count > 0)
            batch.BatchCommands.Add(JobLogStore.InsertCommand(logLines));
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
