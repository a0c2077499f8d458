using JobMonitor.Service.Persistence;
using Npgsql;

namespace JobMonitor.Service.Monitor;

/// <summary>One row of jobmonitor.command_status.</summary>
public sealed record CommandStatus(
    Guid CommandId, Guid JobId, string Command, string Project, string Environment, string RequestedBy, string Status,
    string? ReasonCode, string? Field, string? Message, bool Duplicate, DateTimeOffset At);

public static class CommandStates
{
    public const string Pending = "pending";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
}

/// <summary>
/// jobmonitor.command_status: the API writes <c>pending</c> before it publishes a command, the consumer of the
/// service's answers (<see cref="CommandResultConsumer" />) records the outcome.
/// </summary>
public sealed class CommandStatusStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    const string Columns = """
        command_id, job_id, command, project, environment, requested_by, status, reason_code, field, message, duplicate, at
        """;

    // A repeat of a rejected command (same id, same job and requester) may succeed now: it is pending again. A repeat
    // of a pending or accepted one keeps its row; the saga acknowledges it as a duplicate.
    const string InsertSql = $"""
        INSERT INTO jobmonitor.command_status AS c
            (command_id, job_id, command, project, environment, requested_by, status, requested_at, at)
        VALUES (@command_id, @job_id, @command, @project, @environment, @requested_by, 'pending', @now, @now)
        ON CONFLICT (command_id) DO UPDATE
            SET status = 'pending', reason_code = NULL, field = NULL, message = NULL, at = excluded.at
            WHERE c.status = 'rejected'
        RETURNING {Columns}
        """;

    const string SelectSql = $"""
        SELECT {Columns} FROM jobmonitor.command_status WHERE command_id = @command_id
        """;

    // Accepted is final: a later duplicate acknowledgement does not turn the first answer into a repeat.
    const string RecordSql = """
        UPDATE jobmonitor.command_status
        SET status = @status, reason_code = @reason_code, field = @field, message = @message, duplicate = @duplicate, at = @now
        WHERE command_id = @command_id AND status <> 'accepted'
        """;

    const string DeleteOldSql = """
        DELETE FROM jobmonitor.command_status WHERE requested_at < @before
        """;

    const string ScopeSql = """
        SELECT project, environment FROM jobmonitor.command_status WHERE job_id = @job_id LIMIT 1
        """;

    /// <summary>
    /// Records <paramref name="status" /> as pending. Returns the row as stored: when the command id was used before,
    /// the earlier row (possibly of another job or requester: the caller must compare).
    /// </summary>
    public async Task<CommandStatus> BeginAsync(JobSagaTransaction transaction, CommandStatus status, CancellationToken cancellationToken)
    {
        await using var command = transaction.CreateCommand(InsertSql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("command_id", status.CommandId));
        command.Parameters.Add(new NpgsqlParameter<Guid>("job_id", status.JobId));
        command.Parameters.Add(new NpgsqlParameter<string>("command", status.Command));
        command.Parameters.Add(new NpgsqlParameter<string>("project", status.Project));
        command.Parameters.Add(new NpgsqlParameter<string>("environment", status.Environment));
        command.Parameters.Add(new NpgsqlParameter<string>("requested_by", status.RequestedBy));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", clock.GetUtcNow()));
        if (await ReadOneAsync(command, cancellationToken) is { } inserted)
            return inserted;
        await using var select = transaction.CreateCommand(SelectSql);
        return await SelectAsync(select, status.CommandId, cancellationToken)
            ?? throw new InvalidOperationException($"command_status {status.CommandId} neither inserted nor found.");
    }

    public async Task<CommandStatus?> GetAsync(Guid commandId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SelectSql);
        return await SelectAsync(command, commandId, cancellationToken);
    }

    static Task<CommandStatus?> SelectAsync(NpgsqlCommand command, Guid commandId, CancellationToken cancellationToken)
    {
        command.Parameters.Add(new NpgsqlParameter<Guid>("command_id", commandId));
        return ReadOneAsync(command, cancellationToken);
    }

    /// <summary>Records the service's answer; a command the API did not post has no row and is ignored.</summary>
    public async Task RecordAsync(Guid commandId, string status, string? reasonCode, string? field, string? message,
        bool duplicate, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RecordSql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("command_id", commandId));
        command.Parameters.Add(new NpgsqlParameter<string>("status", status));
        command.Parameters.Add(new NpgsqlParameter<string?>("reason_code", reasonCode));
        command.Parameters.Add(new NpgsqlParameter<string?>("field", field));
        command.Parameters.Add(new NpgsqlParameter<string?>("message", message));
        command.Parameters.Add(new NpgsqlParameter<bool>("duplicate", duplicate));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", clock.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Deletes the rows of commands posted before <paramref name="before" />; returns how many.</summary>
    public async Task<int> DeleteRequestedBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DeleteOldSql);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("before", before.ToUniversalTime()));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The scope of a job as recorded with a command posted for it (the job itself may be gone).</summary>
    public async Task<(string Project, string Environment)?> ScopeOfJobAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ScopeSql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("job_id", jobId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    static async Task<CommandStatus?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        return new CommandStatus(
            reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetString(5), reader.GetString(6),
            reader.IsDBNull(7) ? null : reader.GetString(7),
            reader.IsDBNull(8) ? null : reader.GetString(8),
            reader.IsDBNull(9) ? null : reader.GetString(9),
            reader.GetBoolean(10), reader.GetFieldValue<DateTimeOffset>(11));
    }
}
