using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs;
using Npgsql;
using NpgsqlTypes;

namespace JobMonitor.Service.Persistence;

/// <summary>
/// One stored line of a job's log; <see cref="Seq" /> orders the lines and is the paging cursor. <see cref="User" />
/// is who wrote a comment line. <see cref="HasAttachment" />: the text is the head of a longer one, whole at
/// <c>/api/jobs/{id}/log/{seq}/attachment</c>.
/// </summary>
public sealed record JobLogRecord(
    long Seq, int Exec, string Step, string? Op, string Level, string Text, DateTimeOffset At, string? TraceId,
    string? User = null, bool HasAttachment = false);

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
        INSERT INTO jobmonitor.job_log (job_id, exec, step, op, level, text, at, trace_id, attachment)
        SELECT job_id, exec, step, op, level, text, at, trace_id, attachment
        FROM unnest(@job_id, @exec, @step, @op, @level, @text, @at, @trace_id, @attachment)
            WITH ORDINALITY AS line(job_id, exec, step, op, level, text, at, trace_id, attachment, position)
        ORDER BY position
        """;

    /// <summary>A line longer than this (in characters) is cut here; the whole text becomes its attachment.</summary>
    public const int LineLimit = 2_000;

    const string SelectAttachment = """
        SELECT attachment FROM jobmonitor.job_log WHERE job_id = @job_id AND seq = @seq
        """;

    // The (job_id, seq) index walks the job's lines in order; the filters only skip some of them.
    const string SelectPage = """
        SELECT seq, exec, step, op, level, text, at, trace_id, username, attachment IS NOT NULL
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
        VALUES (@job_id, @exec, @step, NULL, @level, @text, @at, @trace_id, @username)
        RETURNING seq
        """;

    public async Task AppendAsync(IReadOnlyList<JobLogEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
            return;
        await using var command = dataSource.CreateCommand(InsertBatch);
        AddInsertParameters(command.Parameters, entries);
        await command.ExecuteNonQueryAsync(cancellationToken);
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
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.GetBoolean(9)));
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
        command.Parameters.Add(new NpgsqlParameter<string>("level", JobLogLevel.Comment.Wire()));
        command.Parameters.Add(new NpgsqlParameter<string>("text", text));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("at", at.ToUniversalTime()));
        command.Parameters.Add(new NpgsqlParameter("trace_id", NpgsqlDbType.Text) { Value = (object?)traceId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<string>("username", user));
        var seq = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return new JobLogRecord(seq, exec, step, null, JobLogLevel.Comment.Wire(), text, at, traceId, user);
    }

    /// <summary>The insert of <paramref name="entries" />, for the saga's transaction to send with its other writes.</summary>
    internal static NpgsqlBatchCommand InsertCommand(IReadOnlyList<JobLogEntry> entries)
    {
        var command = new NpgsqlBatchCommand(InsertBatch);
        AddInsertParameters(command.Parameters, entries);
        return command;
    }

    static void AddInsertParameters(NpgsqlParameterCollection parameters, IReadOnlyList<JobLogEntry> entries)
    {
        parameters.Add(Array("job_id", NpgsqlDbType.Uuid, entries.Select(e => e.JobId)));
        parameters.Add(Array("exec", NpgsqlDbType.Integer, entries.Select(e => e.Exec)));
        parameters.Add(Array("step", NpgsqlDbType.Text, entries.Select(e => e.Step)));
        parameters.Add(Array("op", NpgsqlDbType.Text, entries.Select(e => e.Op)));
        parameters.Add(Array("level", NpgsqlDbType.Text, entries.Select(e => e.Level.Wire())));
        parameters.Add(Array("text", NpgsqlDbType.Text, entries.Select(e => Head(e.Text))));
        parameters.Add(Array("at", NpgsqlDbType.TimestampTz, entries.Select(e => e.At.ToUniversalTime())));
        parameters.Add(Array("trace_id", NpgsqlDbType.Text, entries.Select(e => e.TraceId)));
        parameters.Add(Array("attachment", NpgsqlDbType.Text, entries.Select(e => e.Text.Length > LineLimit ? e.Text : null)));
    }

    /// <summary>The whole text of a line cut at <see cref="LineLimit" />; null when the line has none (or does not exist).</summary>
    public async Task<string?> ReadAttachmentAsync(Guid jobId, long seq, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SelectAttachment);
        command.Parameters.Add(new NpgsqlParameter<Guid>("job_id", jobId));
        command.Parameters.Add(new NpgsqlParameter<long>("seq", seq));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>The text a line shows: all of it, or its first <see cref="LineLimit" /> characters and an ellipsis.</summary>
    static string Head(string text)
    {
        if (text.Length <= LineLimit)
            return text;
        // Never split a surrogate pair: the head must stay valid UTF-16.
        var cut = char.IsHighSurrogate(text[LineLimit - 1]) ? LineLimit - 1 : LineLimit;
        return string.Concat(text.AsSpan(0, cut), "…");
    }

    static NpgsqlParameter Array<T>(string name, NpgsqlDbType elementType, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | elementType) { Value = values.ToArray() };
}
