using JobMonitor.Service.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JobMonitor.Service.Persistence;

/// <summary>What is known of a command id and a job id before the command reaches the saga.</summary>
public interface ICommandLedger
{
    /// <summary>
    /// The command <paramref name="commandId" /> was applied as (null when new), whether job <paramref name="jobId" />
    /// was deleted, and its version (null when it does not exist).
    /// </summary>
    Task<(AppliedCommand? Applied, bool JobDeleted, int? Version)> LookUpAsync(Guid commandId, Guid jobId, CancellationToken cancellationToken);
}

/// <summary>
/// jobmonitor.command_ids and jobmonitor.deleted_jobs: the command ids applied to jobs (for
/// <see cref="JobOptions.CommandIdRetention" />) and the ids of deleted jobs. Written by the saga's transaction,
/// read before a command reaches the saga.
/// </summary>
public sealed class CommandLedger(NpgsqlDataSource dataSource, IOptions<JobOptions> options, TimeProvider clock) : ICommandLedger
{
    const string RecordSql = """
        INSERT INTO jobmonitor.command_ids (command_id, job_id, command, at)
        SELECT * FROM unnest(@command_id, @job_id, @command, @at)
        ON CONFLICT (command_id) DO NOTHING
        """;

    const string RecordDeletedSql = """
        INSERT INTO jobmonitor.deleted_jobs (job_id, deleted_at) VALUES (@job_id, @at) ON CONFLICT (job_id) DO NOTHING
        """;

    const string FindSql = """
        SELECT c.job_id, c.command, c.at, d.job_id IS NOT NULL, j.version
        FROM (SELECT @command_id AS command_id, @job_id AS job_id) q
        LEFT JOIN jobmonitor.command_ids c ON c.command_id = q.command_id
        LEFT JOIN jobmonitor.deleted_jobs d ON d.job_id = q.job_id
        LEFT JOIN jobmonitor.jobs j ON j.id = q.job_id
        """;

    const string DeleteOldSql = """
        DELETE FROM jobmonitor.command_ids WHERE at < @before
        """;

    /// <summary>The record of <paramref name="commands" /> as applied, for the saga's transaction to send with its other writes.</summary>
    internal static NpgsqlBatchCommand RecordCommand(IReadOnlyList<AppliedCommand> commands)
    {
        var command = new NpgsqlBatchCommand(RecordSql);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("command_id", commands.Select(c => c.CommandId).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("job_id", commands.Select(c => c.JobId).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("command", commands.Select(c => c.Command).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("at", commands.Select(c => c.At.ToUniversalTime()).ToArray()));
        return command;
    }

    /// <summary>The record of a deleted job, for the saga's transaction to send with its other writes.</summary>
    internal static NpgsqlBatchCommand RecordDeletedCommand(Guid jobId, DateTimeOffset at)
    {
        var command = new NpgsqlBatchCommand(RecordDeletedSql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("job_id", jobId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("at", at.ToUniversalTime()));
        return command;
    }

    public async Task<(AppliedCommand? Applied, bool JobDeleted, int? Version)> LookUpAsync(
        Guid commandId, Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FindSql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("command_id", commandId));
        command.Parameters.Add(new NpgsqlParameter<Guid>("job_id", jobId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var applied = reader.IsDBNull(0) ? null
            : new AppliedCommand(commandId, reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2));
        return (applied, reader.GetBoolean(3), reader.IsDBNull(4) ? null : reader.GetInt32(4));
    }

    /// <summary>Forgets the command ids applied longer ago than the retention; returns how many.</summary>
    public async Task<int> ForgetExpiredAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DeleteOldSql);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("before", (clock.GetUtcNow() - options.Value.CommandIdRetention).ToUniversalTime()));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>Forgets applied command ids older than <see cref="JobOptions.CommandIdRetention" />, once an hour.</summary>
public sealed class CommandIdSweeper(CommandLedger ledger, ILogger<CommandIdSweeper> logger) : BackgroundService
{
    static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var hourly = new PeriodicTimer(Interval);
        while (await hourly.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                logger.LogDebug("Forgot {Count} expired command ids", await ledger.ForgetExpiredAsync(stoppingToken));
            }
            catch (NpgsqlException e)
            {
                logger.LogWarning(e, "Forgetting expired command ids failed; the next hour tries again");
            }
        }
    }
}
