using Npgsql;
using NpgsqlTypes;

namespace JobMonitor.Service.Persistence.Outbox;

/// <summary>Every statement on jobmonitor.outbox_messages and jobmonitor.inbox_messages.</summary>
public static class OutboxTable
{
    /// <summary>The channel the relay listens on; a transaction that wrote outbox rows notifies it on commit.</summary>
    public const string Channel = "jobmonitor_outbox";

    const string Columns = """
        sequence_number, job_id, message_id, destination, message_type, content_type, body, headers, properties,
        conversation_id, correlation_id, initiator_id, request_id, source_address, response_address, fault_address,
        sent_time, expiration_time
        """;

    // Rows take their sequence numbers in the order the messages were sent (the position in the arrays). With a hold,
    // the rows are left to the transaction that writes them, which sends them itself once it has committed: the relay
    // takes them only after the hold. Not when a row of the same job waits for the relay (one it may send now, or one
    // that failed and waits out its back-off): then these rows go to the relay too, behind it (migration 0063 says why
    // that lookup is a function).
    const string InsertSql = """
        WITH earlier AS (SELECT jobmonitor.outbox_rows_waiting(@job_id) AS waiting)
        INSERT INTO jobmonitor.outbox_messages (
            broker, job_id, message_id, destination, message_type, content_type, body, headers, properties,
            conversation_id, correlation_id, initiator_id, request_id, source_address, response_address, fault_address,
            sent_time, expiration_time, not_before)
        SELECT broker, job_id, message_id, destination, message_type, content_type, body, headers, properties,
            conversation_id, correlation_id, initiator_id, request_id, source_address, response_address, fault_address,
            sent_time, expiration_time,
            CASE WHEN @hold::interval IS NOT NULL AND NOT earlier.waiting THEN now() + @hold::interval ELSE now() END
        FROM unnest(
            @broker, @job_id, @message_id, @destination, @message_type, @content_type, @body, @headers, @properties,
            @conversation_id, @correlation_id, @initiator_id, @request_id, @source_address, @response_address,
            @fault_address, @sent_time, @expiration_time) WITH ORDINALITY AS m(
            broker, job_id, message_id, destination, message_type, content_type, body, headers, properties,
            conversation_id, correlation_id, initiator_id, request_id, source_address, response_address, fault_address,
            sent_time, expiration_time, position)
        CROSS JOIN earlier
        ORDER BY m.position
        RETURNING message_id, sequence_number, not_before > now()
        """;

    const string NotifySql = $"SELECT pg_notify('{Channel}', '')";

    // Rows another relay holds are skipped. Of a job whose earlier rows are held elsewhere, none is taken: they wait
    // until those are sent, so one job's messages leave in the order they were written.
    const string ClaimSql = $"""
        WITH claimed AS (
            SELECT {Columns} FROM jobmonitor.outbox_messages
            WHERE broker = @broker AND not_before <= now()
            ORDER BY sequence_number
            LIMIT @limit
            FOR UPDATE SKIP LOCKED)
        SELECT c.* FROM claimed c
        WHERE c.job_id IS NULL OR NOT EXISTS (
            SELECT 1 FROM jobmonitor.outbox_messages o
            WHERE o.job_id = c.job_id AND o.sequence_number < c.sequence_number
              AND o.sequence_number NOT IN (SELECT sequence_number FROM claimed))
        ORDER BY c.sequence_number
        """;

    // 1 s, 2 s, 4 s ... up to 10 s between attempts at one row (its job's later rows wait behind it).
    const string PostponeSql = """
        UPDATE jobmonitor.outbox_messages
        SET attempts = attempts + 1, not_before = now() + make_interval(secs => least(10, power(2, attempts)))
        WHERE sequence_number = ANY(@sequence_numbers)
        """;

    const string DeleteSql = """
        DELETE FROM jobmonitor.outbox_messages WHERE sequence_number = ANY(@sequence_numbers)
        """;

    // Waits on a concurrent, uncommitted insert of the same key: a duplicate delivered to two consumers at once is
    // applied by one of them, and the other finds the row once the first commits (or inserts it if the first rolls back).
    internal const string ConsumeSql = """
        INSERT INTO jobmonitor.inbox_messages (consumer_id, message_id, consumed_at)
        VALUES (@consumer_id, @message_id, now())
        ON CONFLICT DO NOTHING
        """;

    const string SweepInboxSql = """
        DELETE FROM jobmonitor.inbox_messages WHERE consumed_at < now() - @retention
        """;

    /// <summary>
    /// The insert of the rows, for the writing transaction to send with its other writes (see InsertSql); its answer is
    /// read by <see cref="ReadInsertedAsync" />.
    /// </summary>
    public static NpgsqlBatchCommand InsertCommand(IReadOnlyList<OutboxMessage> messages, TimeSpan? hold)
    {
        var command = new NpgsqlBatchCommand(InsertSql);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter("hold", NpgsqlDbType.Interval) { Value = hold is { } h ? h : DBNull.Value });
        p.Add(Array("broker", NpgsqlDbType.Text, messages.Select(m => m.Broker.ToString())));
        p.Add(Array("job_id", NpgsqlDbType.Uuid, messages.Select(m => m.JobId)));
        p.Add(Array("message_id", NpgsqlDbType.Uuid, messages.Select(m => m.MessageId)));
        p.Add(Array("destination", NpgsqlDbType.Text, messages.Select(m => m.Destination.ToString())));
        p.Add(Array("message_type", NpgsqlDbType.Text, messages.Select(m => m.MessageType)));
        p.Add(Array("content_type", NpgsqlDbType.Text, messages.Select(m => m.ContentType)));
        p.Add(Array("body", NpgsqlDbType.Text, messages.Select(m => m.Body)));
        p.Add(Array("headers", NpgsqlDbType.Text, messages.Select(m => m.SerializedHeaders)));
        p.Add(Array("properties", NpgsqlDbType.Text, messages.Select(m => m.SerializedProperties)));
        p.Add(Array("conversation_id", NpgsqlDbType.Uuid, messages.Select(m => m.ConversationId)));
        p.Add(Array("correlation_id", NpgsqlDbType.Uuid, messages.Select(m => m.CorrelationId)));
        p.Add(Array("initiator_id", NpgsqlDbType.Uuid, messages.Select(m => m.InitiatorId)));
        p.Add(Array("request_id", NpgsqlDbType.Uuid, messages.Select(m => m.RequestId)));
        p.Add(Array("source_address", NpgsqlDbType.Text, messages.Select(m => m.SourceAddress?.ToString())));
        p.Add(Array("response_address", NpgsqlDbType.Text, messages.Select(m => m.ResponseAddress?.ToString())));
        p.Add(Array("fault_address", NpgsqlDbType.Text, messages.Select(m => m.FaultAddress?.ToString())));
        p.Add(Array("sent_time", NpgsqlDbType.TimestampTz, messages.Select(m => m.SentTime)));
        p.Add(Array("expiration_time", NpgsqlDbType.TimestampTz, messages.Select(m => m.ExpirationTime)));
        return command;
    }

    /// <summary>
    /// The answer of <see cref="InsertCommand" />, the reader on its result: the rows left to the writer to send after
    /// its commit, with their sequence numbers, and whether any row went to the relay instead (then the transaction
    /// must wake it: <see cref="NotifyAsync" />).
    /// </summary>
    public static async Task<(IReadOnlyList<(long SequenceNumber, OutboxMessage Row)> Held, bool ToRelay)> ReadInsertedAsync(
        NpgsqlDataReader reader, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        var held = new Dictionary<Guid, long>(messages.Count);
        var toRelay = false;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetBoolean(2))
                held[reader.GetGuid(0)] = reader.GetInt64(1);
            else
                toRelay = true;
        }
        return ([.. messages.Where(m => held.ContainsKey(m.MessageId)).Select(m => (held[m.MessageId], m))], toRelay);
    }

    /// <summary>Wakes the relays when the transaction commits.</summary>
    public static async Task NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var notify = new NpgsqlCommand(NotifySql, connection, transaction);
        await notify.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records the message as applied by the consumer; false when it was already.</summary>
    public static async Task<bool> TryConsumeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid consumerId, Guid messageId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ConsumeSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid>("consumer_id", consumerId));
        command.Parameters.Add(new NpgsqlParameter<Guid>("message_id", messageId));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Locks up to <paramref name="limit" /> rows for <paramref name="broker" /> for this transaction, oldest first.</summary>
    public static async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Uri broker, int limit, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ClaimSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("broker", broker.ToString()));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var messages = new List<OutboxMessage>();
        while (await reader.ReadAsync(cancellationToken))
            messages.Add(Read(reader));
        return messages;
    }

    public static async Task DeleteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IEnumerable<long> sequenceNumbers, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(DeleteSql, connection, transaction);
        command.Parameters.Add(Array("sequence_numbers", NpgsqlDbType.Bigint, sequenceNumbers));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Puts rows that could not be sent aside for a while (longer after each attempt).</summary>
    public static async Task PostponeAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IEnumerable<long> sequenceNumbers, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(PostponeSql, connection, transaction);
        command.Parameters.Add(Array("sequence_numbers", NpgsqlDbType.Bigint, sequenceNumbers));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Forgets inbox rows older than <paramref name="retention" />; returns how many.</summary>
    public static async Task<int> SweepInboxAsync(NpgsqlDataSource dataSource, TimeSpan retention, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SweepInboxSql);
        command.Parameters.Add(new NpgsqlParameter<TimeSpan>("retention", retention));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static OutboxMessage Read(NpgsqlDataReader r) => new()
    {
        SequenceNumber = r.GetInt64(0),
        JobId = r.IsDBNull(1) ? null : r.GetGuid(1),
        MessageId = r.GetGuid(2),
        Destination = new Uri(r.GetString(3)),
        MessageType = r.GetString(4),
        ContentType = r.GetString(5),
        Body = r.GetString(6),
        SerializedHeaders = r.IsDBNull(7) ? null : r.GetString(7),
        SerializedProperties = r.IsDBNull(8) ? null : r.GetString(8),
        ConversationId = r.IsDBNull(9) ? null : r.GetGuid(9),
        CorrelationId = r.IsDBNull(10) ? null : r.GetGuid(10),
        InitiatorId = r.IsDBNull(11) ? null : r.GetGuid(11),
        RequestId = r.IsDBNull(12) ? null : r.GetGuid(12),
        SourceAddress = r.IsDBNull(13) ? null : new Uri(r.GetString(13)),
        ResponseAddress = r.IsDBNull(14) ? null : new Uri(r.GetString(14)),
        FaultAddress = r.IsDBNull(15) ? null : new Uri(r.GetString(15)),
        SentTime = r.GetFieldValue<DateTime>(16),
        ExpirationTime = r.IsDBNull(17) ? null : r.GetFieldValue<DateTime>(17),
    };

    static NpgsqlParameter Array<T>(string name, NpgsqlDbType elementType, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | elementType) { Value = values.ToArray() };
}
