using Npgsql;

namespace JobMonitor.Service.Persistence;

/// <summary>
/// jobmonitor.job_command_order: the per-job number the ordered relay gives each command, and whether the saga applied
/// it. Both sides work inside the transaction of the message they consume, so a number is given and a command applied
/// exactly when that message's effect is stored.
/// </summary>
public static class CommandOrder
{
    /// <summary>The header that carries the number from the relay to the saga.</summary>
    public const string Header = "JobMonitor-Command-Sequence";

    /// <summary>
    /// How long a command waits for an earlier one of its job: an earlier command that never arrives (set aside as
    /// poison) must not hold the job's later commands for ever.
    /// </summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(2);

    const string NextSql = """
        INSERT INTO jobmonitor.job_command_order (job_id, sequence, sequenced_at)
        SELECT @job_id, COALESCE(MAX(sequence), 0) + 1, now() FROM jobmonitor.job_command_order WHERE job_id = @job_id
        RETURNING sequence
        """;

    const string WaitingSql = """
        SELECT EXISTS (
            SELECT 1 FROM jobmonitor.job_command_order
            WHERE job_id = @job_id AND sequence < @sequence AND applied_at IS NULL AND sequenced_at > now() - @max_wait)
        """;

    const string AppliedSql = """
        UPDATE jobmonitor.job_command_order SET applied_at = now() WHERE job_id = @job_id AND sequence = @sequence
        """;

    const string SweepSql = """
        DELETE FROM jobmonitor.job_command_order WHERE sequenced_at < now() - @retention
        """;

    /// <summary>Gives the job's next command its number.</summary>
    public static async Task<int> NextAsync(JobSagaTransaction transaction, Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = transaction.CreateCommand(NextSql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("job_id", jobId));
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Marks the command applied, or throws <see cref="CommandOutOfTurnException" /> while an earlier one is not.</summary>
    public static async Task TakeTurnAsync(JobSagaTransaction transaction, Guid jobId, int sequence, CancellationToken cancellationToken)
    {
        await using (var waiting = transaction.CreateCommand(WaitingSql))
        {
            waiting.Parameters.Add(new NpgsqlParameter<Guid>("job_id", jobId));
            waiting.Parameters.Add(new NpgsqlParameter<int>("sequence", sequence));
            waiting.Parameters.Add(new NpgsqlParameter<TimeSpan>("max_wait", MaxWait));
            if ((bool)(await waiting.ExecuteScalarAsync(cancellationToken))!)
                throw new CommandOutOfTurnException(jobId, sequence);
        }
        await using var applied = transaction.CreateCommand(AppliedSql);
        applied.Parameters.Add(new NpgsqlParameter<Guid>("job_id", jobId));
        applied.Parameters.Add(new NpgsqlParameter<int>("sequence", sequence));
        await applied.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Forgets the numbers given before <paramref name="retention" />; returns how many.</summary>
    public static async Task<int> SweepAsync(NpgsqlDataSource dataSource, TimeSpan retention, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SweepSql);
        command.Parameters.Add(new NpgsqlParameter<TimeSpan>("retention", retention));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>An earlier command of the job is still on its way: this one is tried again later (a transient failure).</summary>
public sealed class CommandOutOfTurnException(Guid jobId, int sequence)
    : Exception($"Command {sequence} of job {jobId} waits for the job's earlier commands."), Retries.ITransientFailure;
