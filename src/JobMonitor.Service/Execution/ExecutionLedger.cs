using JobMonitor.Service.Jobs;
using Npgsql;

namespace JobMonitor.Service.Execution;

/// <summary>
/// The step_runs heartbeat rows and the op_runs ledger. Heartbeats use the database clock so that the abend detector
/// compares them with one clock whatever instance wrote them.
/// </summary>
public sealed class ExecutionLedger(NpgsqlDataSource dataSource)
{
    // A claim stays current while the saga keeps this step run on a job that is executing ops.
    static readonly string[] ExecutingStatuses = [JobStatus.Running, JobStatus.Rollback];

    /// <summary>False when this step run already has a row: another delivery is running it or ran it.</summary>
    public async Task<bool> TryStartStepAsync(Guid stepRunId, Guid jobId, string worker, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO jobmonitor.step_runs (step_run_id, job_id, worker, claimed_at, heartbeat_at)
            VALUES (@step_run_id, @job_id, @worker, clock_timestamp(), clock_timestamp())
            ON CONFLICT (step_run_id) DO NOTHING
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("step_run_id", stepRunId);
        command.Parameters.AddWithValue("job_id", jobId);
        command.Parameters.AddWithValue("worker", worker);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task HeartbeatAsync(Guid stepRunId, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE jobmonitor.step_runs SET heartbeat_at = clock_timestamp()
            WHERE step_run_id = @step_run_id AND finished_at IS NULL
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("step_run_id", stepRunId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task FinishStepAsync(Guid stepRunId, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE jobmonitor.step_runs SET finished_at = clock_timestamp(), heartbeat_at = clock_timestamp()
            WHERE step_run_id = @step_run_id
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("step_run_id", stepRunId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Records the op's start only while the claim is current. The share lock makes a concurrent saga update
    /// (cancel, supersede) either wait for this insert or be seen by it. False: the op must not run.
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

    public async Task EndOpAsync(
        Guid stepRunId, int opIndex, DateTimeOffset endedAt, string outcome, string? error, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE jobmonitor.op_runs SET ended_at = @ended_at, outcome = @outcome, error = @error
            WHERE step_run_id = @step_run_id AND op_index = @op_index
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("step_run_id", stepRunId);
        command.Parameters.AddWithValue("op_index", opIndex);
        command.Parameters.AddWithValue("ended_at", endedAt);
        command.Parameters.AddWithValue("outcome", outcome);
        command.Parameters.AddWithValue("error", (object?)error ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
