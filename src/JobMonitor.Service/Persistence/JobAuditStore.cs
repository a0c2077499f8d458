using JobMonitor.Service.Jobs;
using Npgsql;

namespace JobMonitor.Service.Persistence;

/// <summary>jobmonitor.job_audit: written with the saga's save, read by the job dashboard. Outlives the job.</summary>
public sealed class JobAuditStore(NpgsqlDataSource dataSource)
{
    const string InsertSql = """
        INSERT INTO jobmonitor.job_audit (job_id, job_key, command_id, action, username, comment, from_status, to_status, at)
        SELECT * FROM unnest(@job_id, @job_key, @command_id, @action, @username, @comment, @from_status, @to_status, @at)
        """;

    const string ReadSql = """
        SELECT job_key, command_id, action, username, comment, from_status, to_status, at
        FROM jobmonitor.job_audit WHERE job_id = @job_id ORDER BY id
        """;

    /// <summary>The insert of <paramref name="entries" />, for the saga's transaction to send with its other writes.</summary>
    internal static NpgsqlBatchCommand InsertCommand(IReadOnlyList<AuditEntry> entries)
    {
        var command = new NpgsqlBatchCommand(InsertSql);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("job_id", entries.Select(e => e.JobId).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("job_key", entries.Select(e => e.JobKey).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("command_id", entries.Select(e => e.CommandId).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("action", entries.Select(e => e.Action).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("username", entries.Select(e => e.User).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string?[]>("comment", entries.Select(e => e.Comment).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("from_status", entries.Select(e => e.FromStatus).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("to_status", entries.Select(e => e.ToStatus).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("at", entries.Select(e => e.At.ToUniversalTime()).ToArray()));
        return command;
    }

    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ReadSql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("job_id", jobId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AuditEntry
            {
                JobId = jobId,
                JobKey = reader.GetString(0),
                CommandId = reader.GetGuid(1),
                Action = reader.GetString(2),
                User = reader.GetString(3),
                Comment = reader.IsDBNull(4) ? null : reader.GetString(4),
                FromStatus = reader.GetString(5),
                ToStatus = reader.GetString(6),
                At = reader.GetFieldValue<DateTimeOffset>(7),
            });
        }
        return entries;
    }
}
