using JobMonitor.Service.Jobs;
using Npgsql;
using NpgsqlTypes;

namespace JobMonitor.Service.Persistence;

/// <summary>One stored line of a job's log; <see cref="Seq" /> orders the lines and is the paging cursor.</summary>
public sealed record JobLogRecord(
    long Seq, int Exec, string Step, string? Op, string Level, string Text, DateTimeOffset At, string? TraceId);

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

    const string SelectPage = """
        SELECT seq, exec, step, op, level, text, at, trace_id
        FROM jobmonitor.job_log
        WHERE job_id = @job_id AND seq > @after_seq
        ORDER BY seq
        LIMIT @limit
        """;

    public async Task AppendAsync(IReadOnlyList<JobLogEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
            return;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await InsertAsync(connection, null, entries, cancellationToken);
    }

    public async Task<IReadOnlyList<JobLogRecord>> ReadAsync(Guid jobId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var command = dataSource.CreateCommand(SelectPage);
        command.Parameters.Add(new NpgsqlParameter<Guid>("job_id", jobId));
        command.Parameters.Add(new NpgsqlParameter<long>("after_seq", afterSeq));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));

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
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }
        return records;
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
