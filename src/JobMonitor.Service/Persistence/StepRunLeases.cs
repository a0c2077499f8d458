using JobMonitor.Service.Jobs;
using Npgsql;
using NpgsqlTypes;

namespace JobMonitor.Service.Persistence;

/// <summary>
/// The step_runs leases and the op_runs starts that hold only while the step run is its job's current one. Leases
/// are stamped with the database clock so that the abend detector compares them with one clock whatever instance
/// wrote them.
/// </summary>
public sealed class StepRunLeases(NpgsqlDataSource dataSource)
{
    // The job waits for its current step run in these statuses: Ready until the saga has heard that it started. A
    // RUN dispatched by its gate's trigger is leased while it is the job's gate_step_run_id, before the saga hears of it.
    internal static readonly string[] ExecutingStatuses = JobStatuses.StateNames(JobStatus.Ready, JobStatus.Running, JobStatus.Rollback);

    // The lease and, when the step has an op to run, that op's start: one statement, so one round trip.
    const string ClaimSql = """
        WITH claimed AS (
            INSERT INTO jobmonitor.step_runs (step_run_id, job_id, worker, claimed_at, heartbeat_at)
            SELECT @step_run_id, @job_id, @worker, clock_timestamp(), clock_timestamp()
            WHERE EXISTS (
                SELECT 1 FROM jobmonitor.jobs
                WHERE id = @job_id AND @step_run_id IN (step_run_id, gate_step_run_id) AND status = ANY(@statuses)
                FOR SHARE)
            ON CONFLICT (step_run_id) DO NOTHING
            RETURNING step_run_id),
        first_op AS (
            INSERT INTO jobmonitor.op_runs (step_run_id, op_index, job_id, worker, started_at)
            SELECT step_run_id, @op_index, @job_id, @worker, @started_at FROM claimed
            WHERE @op_index IS NOT NULL)
        SELECT count(*) FROM claimed
        """;

    const string RenewSql = """
        UPDATE jobmonitor.step_runs AS r SET heartbeat_at = clock_timestamp()
        WHERE r.step_run_id = @step_run_id AND r.worker = @worker
          AND r.finished_at IS NULL AND r.abandoned_at IS NULL AND r.released_at IS NULL
        RETURNING (SELECT j.status FROM jobmonitor.jobs AS j
                   WHERE j.id = r.job_id AND r.step_run_id IN (j.step_run_id, j.gate_step_run_id) AND j.status = ANY(@statuses))
        """;

    const string BeginOpSql = """
        INSERT INTO jobmonitor.op_runs (step_run_id, op_index, job_id, worker, started_at)
        SELECT @step_run_id, @op_index, @job_id, @worker, @started_at
        WHERE EXISTS (
            SELECT 1 FROM jobmonitor.jobs
            WHERE id = @job_id AND @step_run_id IN (step_run_id, gate_step_run_id) AND status = ANY(@statuses)
            FOR SHARE)
          AND EXISTS (
            SELECT 1 FROM jobmonitor.step_runs
            WHERE step_run_id = @step_run_id AND worker = @worker AND abandoned_at IS NULL AND released_at IS NULL)
        ON CONFLICT (step_run_id, op_index) DO NOTHING
        """;

    const string MarkAbandonedSql = """
        UPDATE jobmonitor.step_runs AS r SET abandoned_at = clock_timestamp()
        FROM jobmonitor.jobs AS j
        WHERE r.finished_at IS NULL
          AND r.abandoned_at IS NULL
          AND (r.released_at IS NOT NULL
               OR GREATEST(r.heartbeat_at, pg_postmaster_start_time(), COALESCE(@watching_since, 'infinity'))
                  < clock_timestamp() - @threshold)
          AND j.id = r.job_id
          AND r.step_run_id IN (j.step_run_id, j.gate_step_run_id)
          AND j.status = ANY(@statuses)
        RETURNING r.step_run_id, r.job_id, r.worker, r.heartbeat_at, r.released_at IS NOT NULL
        """;

    /// <summary>
    /// Takes the lease on a step run, only while it is its job's current one and nobody holds it: the first worker
    /// wins, a late or duplicate delivery finds the row and gets false. The share lock makes a concurrent saga update
    /// (cancel, supersede) either wait for this insert or be seen by it. With <paramref name="firstOp"/>, the start of
    /// that op is recorded with the lease, as <see cref="TryBeginOpAsync"/> would record it right after.
    /// </summary>
    public async Task<bool> TryClaimAsync(
        Guid stepRunId, Guid jobId, string worker, OpStart? firstOp, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ClaimSql);
        command.Parameters.AddWithValue("step_run_id", stepRunId);
        command.Parameters.AddWithValue("job_id", jobId);
        command.Parameters.AddWithValue("worker", worker);
        command.Parameters.AddWithValue("statuses", ExecutingStatuses);
        command.Parameters.Add(new NpgsqlParameter("op_index", NpgsqlDbType.Integer) { Value = (object?)firstOp?.Index ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("started_at", NpgsqlDbType.TimestampTz)
        {
            Value = (object?)firstOp?.StartedAt.ToUniversalTime() ?? DBNull.Value,
        });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    /// <summary>
    /// Renews the lease held by <paramref name="worker"/> and tells whether the step run is still worth running: the
    /// lease may have been taken away (abend) or the job may have moved on (canceled, expired, deleted).
    /// </summary>
    public async Task<LeaseRenewal> RenewAsync(Guid stepRunId, string worker, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RenewSql);
        command.Parameters.AddWithValue("step_run_id", stepRunId);
        command.Parameters.AddWithValue("worker", worker);
        command.Parameters.AddWithValue("statuses", ExecutingStatuses);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return LeaseRenewal.Lost;
        return reader.IsDBNull(0) ? LeaseRenewal.NotCurrent : LeaseRenewal.Held;
    }

    /// <summary>
    /// Records the op's start only while this worker holds the lease of the job's current step run. False: the op
    /// must not run.
    /// </summary>
    public async Task<bool> TryBeginOpAsync(
        Guid stepRunId, int opIndex, Guid jobId, string worker, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(BeginOpSql);
        command.Parameters.AddWithValue("step_run_id", stepRunId);
        command.Parameters.AddWithValue("op_index", opIndex);
        command.Parameters.AddWithValue("job_id", jobId);
        command.Parameters.AddWithValue("worker", worker);
        command.Parameters.AddWithValue("started_at", startedAt);
        command.Parameters.AddWithValue("statuses", ExecutingStatuses);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Marks, in the caller's transaction, the step runs whose lease was released, or was last renewed more than
    /// <paramref name="threshold"/> before now, counting no renewal from before <paramref name="watchingSince"/>
    /// (null: judge no expiry) nor from before the database's own start, while their job still waits for them. A
    /// concurrent transaction waits on the row locks and then skips the rows (abandoned_at is set).
    /// </summary>
    public static async Task<IReadOnlyList<AbandonedStepRun>> MarkAbandonedAsync(NpgsqlConnection connection,
        NpgsqlTransaction transaction, TimeSpan threshold, DateTimeOffset? watchingSince, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(MarkAbandonedSql, connection, transaction);
        command.Parameters.AddWithValue("threshold", threshold);
        command.Parameters.Add(new NpgsqlParameter("watching_since", NpgsqlDbType.TimestampTz) { Value = (object?)watchingSince ?? DBNull.Value });
        command.Parameters.AddWithValue("statuses", ExecutingStatuses);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new List<AbandonedStepRun>();
        while (await reader.ReadAsync(cancellationToken))
            found.Add(new AbandonedStepRun(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetBoolean(4)));
        return found;
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

/// <summary>An op's start, recorded in op_runs before the op runs.</summary>
public sealed record OpStart(int Index, DateTimeOffset StartedAt);

/// <summary>A step run whose lease expired or was released while its job still waited for it.</summary>
public sealed record AbandonedStepRun(Guid StepRunId, Guid JobId, string Worker, DateTimeOffset LastHeartbeatAt, bool Released);
