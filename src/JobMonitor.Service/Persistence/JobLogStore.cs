using JobMonitor.Service.Jobs;
using Npgsql;
using NpgsqlTypes;

namespace JobMonitor.Service.Persistence;

/// <summary>
/// One stored line of a job's log; <see cref="Seq" /> orders the lines and is the paging cursor. <see cref="User" />
/// is who wrote a comment line.
/// </summary>
public sealed record JobLogRecord(
    long Seq, int Exec, string Step, string? Op, string Level, string Text, DateTimeOffset At, string? TraceId,
    string? User = null);

/// <summary>Which lines to read; a null member does not filter.</summary>
public sealed record JobLogFilter(int? Exec = null, string? Step = null, string? Op = null, string? Level = null)
{
    public static JobLogFilter None { get; } = new();
}

/// <summary>jobmonitor.job_log: appends in one statement per batch (script output comes in bursts) and reads pages.</summary>
public sealed class JobLogStore(NpgsqlDataSource dataSource) : IJobLogWriter
{
    // One statement and one round trip whatever the batch size; ORDER BY keeps seq in the caller's order.
    const string InsertBatch = """
        INSERT INTO jobmonitor.job_log (job_id, exec, step, op, level, text, at, trace_id)
        SELECT job_id, exec, step, op, level, text, at, trace_id
        FROM unnest(@job_id, @exec, @step, @op, @level, @text, @at, @trace_id)
            WITH ORDINALITY AS line(job_id, exec, step, op, level, text, at, trace_id, position)
        ORDER BY position
        """;

    // The (job_id, seq) index walks the job's lines in order; the filters only skip some of them.
    const string SelectPage = """
        SELECT seq, exec, step, op, level, text, at, trace_id, username
        FROM jobmonitor.job_log
        WHERE job_id = @job_id AND seq > @after_seq
          AND (@exec IS NULL OR exec = @exec)
          AND (@step IS NULL OR step = @step)
          AND (@op IS NULL OR op = @op)
          AND (@level IS NULL OR level = @level)
        ORDER BY seq
        LIMIT @limit
        """;

    const string InsertComment = """
        INSERT INTO jobmonitor.job_log (job_id, exec, step, op, level, text, at, trace_id, username)
        VALUES (@job_id, @exec, @step, NULL, 'comment', @text, @at, @trace_id, @username)
        RETURNING seq
        """;

    public async Task AppendAsync(IReadOnlyList<JobLogEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
            return;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await InsertAsync(connection, null, entries, cancellationToken);
    }

    public Task<IReadOnlyList<JobLogRecord>> ReadAsync(Guid jobId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        ReadAsync(jobId, JobLogFilter.None, afterSeq, limit, cancellationToken);

    public async Task<IReadOnlyList<JobLogRecord>> ReadAsync(
        Guid jobId, JobLogFilter filter, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var command = dataSource.CreateCommand(SelectPage);
        command.Parameters.Add(new NpgsqlParameter<Guid>("job_id", jobId));
        command.Parameters.Add(new NpgsqlParameter<long>("after_seq", afterSeq));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        command.Parameters.Add(new NpgsqlParameter("exec", NpgsqlDbType.Integer) { Value = (object?)filter.Exec ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("step", NpgsqlDbType.Text) { Value = (object?)filter.Step ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("op", NpgsqlDbType.Text) { Value = (object?)filter.Op ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("level", NpgsqlDbType.Text) { Value = (object?)filter.Level ?? DBNull.Value });

        var records = new List<JobLogRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new JobLogRecord(
                reader.GetInt64(0),
                reader.GetInt32(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        }
        return records;
    }

    /// <summary>A person's comment, stored verbatim (clients render it as text), in the job's current execution and step.</summary>
    public async Task<JobLogRecord> AppendCommentAsync(
        Guid jobId, int exec, string step, string user, string text, string? traceId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(InsertComment);
        command.Parameters.Add(new NpgsqlParameter<Guid>("job_id", jobId));
        command.Parameters.Add(new NpgsqlParameter<int>("exec", exec));
        command.Parameters.Add(new NpgsqlParameter<string>("step", step));
        command.Parameters.Add(new NpgsqlParameter<string>("text", text));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("at", at.ToUniversalTime()));
        command.Parameters.Add(new NpgsqlParameter("trace_id", NpgsqlDbType.Text) { Value = (object?)traceId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<string>("username", user));
        var seq = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return new JobLogRecord(seq, exec, step, null, "comment", text, at, traceId, user);
    }

    /// <summary>Also used by the saga repository, inside the transaction that saves the state.</summary>
    internal static async Task InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<JobLogEntry> entries, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(InsertBatch, connection, transaction);
        var parameters = command.Parameters;
        parameters.Add(Array("job_id", NpgsqlDbType.Uuid, entries.Select(e => e.JobId)));
        parameters.Add(Array("exec", NpgsqlDbType.Integer, entries.Select(e => e.Exec)));
        parameters.Add(Array("step", NpgsqlDbType.Text, entries.Select(e => e.Step)));
        parameters.Add(Array("op", NpgsqlDbType.Text, entries.Select(e => e.Op)));
        parameters.Add(Array("level", NpgsqlDbType.Text, entries.Select(e => e.Level)));
        parameters.Add(Array("text", NpgsqlDbType.Text, entries.Select(e => e.Text)));
        parameters.Add(Array("at", NpgsqlDbType.TimestampTz, entries.Select(e => e.At.ToUniversalTime())));
        parameters.Add(Array("trace_id", NpgsqlDbType.Text, entries.Select(e => e.TraceId)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static NpgsqlParameter Array<T>(string name, NpgsqlDbType elementType, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | elementType) { Value = values.ToArray() };
}
