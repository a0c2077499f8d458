using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence.Outbox;
using MassTransit;
using Npgsql;

namespace JobMonitor.Service.Persistence;

/// <summary>
/// One message's unit of work: a connection and a READ COMMITTED transaction. Loads take no lock; writes check
/// the version read, so a concurrent save surfaces as <see cref="ConcurrencyException" /> and the message is retried.
/// The messages sent meanwhile are outbox rows written by the commit, so they leave if and only if the change is stored.
/// An update and the log lines, audit entries and outbox rows that go with it are sent together in one batch at the
/// commit (one round trip, not one per table), so an update's conflict surfaces there.
/// </summary>
public sealed class JobSagaTransaction : IAsyncDisposable
{
    readonly NpgsqlConnection _connection;
    readonly NpgsqlTransaction _transaction;
    readonly OutboxDelivery? _delivery;
    readonly List<DeploymentJobState> _logged = [];
    readonly Dictionary<Guid, string> _loaded = [];
    readonly List<OutboxMessage> _outgoing = [];
    // The job's row read with the inbox row, for the saga's load that follows (parsed only then); taken once.
    (Guid Id, int Version, string Data)? _preloaded;

    // Writes sent in one batch at the commit; a check turns the rows a write affected into the exception it means.
    readonly List<(NpgsqlBatchCommand Command, Func<int, Exception?>? Check)> _writes = [];

    JobSagaTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, OutboxDelivery? delivery)
    {
        _connection = connection;
        _transaction = transaction;
        _delivery = delivery;
    }

    /// <summary>A transaction whose messages the relay sends.</summary>
    public static Task<JobSagaTransaction> BeginAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        BeginAsync(dataSource, null, cancellationToken);

    /// <summary>A transaction that sends its messages itself once it has committed (the relay only if that fails).</summary>
    public static async Task<JobSagaTransaction> BeginAsync(
        NpgsqlDataSource dataSource, OutboxDelivery? delivery, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            return new JobSagaTransaction(connection, transaction, delivery);
        }
        catch (Exception)
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<DeploymentJobState?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        if (_preloaded is { } preloaded && preloaded.Id == id)
        {
            _preloaded = null;
            var found = JobsTable.State(preloaded.Version, preloaded.Data);
            _loaded[id] = JobsTable.Document(found);
            return found;
        }
        await using var command = Command(JobsTable.Load);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        var job = JobsTable.ReadState(reader, 0, 1);
        _loaded[id] = JobsTable.Document(job);
        return job;
    }

    /// <summary>Inserts a new instance at version 1; false when a row with its id exists already.</summary>
    public async Task<bool> TryInsertAsync(DeploymentJobState job, CancellationToken cancellationToken)
    {
        const int version = 1;
        await using var command = Command(JobsTable.Insert);
        JobsTable.AddRow(command.Parameters, job, version, JobsTable.Document(job));
        int inserted;
        try
        {
            inserted = await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // ON CONFLICT (id) covers only its own index: a concurrent insert of the same job can trip another unique
            // index (key) first. Either way another message created the job; the retry finds it.
            throw Conflict(job, $"was created by a concurrent message ({e.ConstraintName})");
        }
        if (inserted == 0)
            return false;
        job.Version = version;
        WritePending(job);
        return true;
    }

    public async Task InsertAsync(DeploymentJobState job, CancellationToken cancellationToken)
    {
        if (!await TryInsertAsync(job, cancellationToken))
            throw Conflict(job, "was created by another message");
    }

    /// <summary>Saves the instance at the commit, unless the message changed nothing.</summary>
    public void Update(DeploymentJobState job)
    {
        // A message that changed nothing (a refused command, a stale trigger) leaves the row and its version alone.
        var document = JobsTable.Document(job);
        if (job.PendingLog.Count == 0 && job.PendingAudit.Count == 0 && job.PendingCommands.Count == 0
            && _loaded.TryGetValue(job.CorrelationId, out var loaded) && loaded == document)
            return;
        var read = job.Version;
        var command = new NpgsqlBatchCommand(JobsTable.Update);
        JobsTable.AddRow(command.Parameters, job, read + 1, document);
        command.Parameters.Add(new NpgsqlParameter<int>("expected_version", read));
        _writes.Add((command, updated => updated == 0 ? Conflict(job, $"changed since version {read} was read") : null));
        job.Version = read + 1;
        WritePending(job);
    }

    public async Task DeleteAsync(DeploymentJobState job, CancellationToken cancellationToken)
    {
        await using var command = Command(JobsTable.Delete);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", job.CorrelationId));
        command.Parameters.Add(new NpgsqlParameter<int>("expected_version", job.Version));
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            throw Conflict(job, $"changed since version {job.Version} was read");
        // A deleted job leaves the monitor with its log and execution records; its audit entries stay.
        await using var purge = Command(JobsTable.Purge);
        purge.Parameters.Add(new NpgsqlParameter<Guid>("id", job.CorrelationId));
        await purge.ExecuteNonQueryAsync(cancellationToken);
        job.PendingLog.Clear();
        WritePending(job);
        _writes.Add((CommandLedger.RecordDeletedCommand(job.CorrelationId, DateTimeOffset.UtcNow), null));
    }

    /// <summary>Sends <paramref name="message" /> when, and only when, this transaction commits.</summary>
    public void Send(OutboxMessage message) => _outgoing.Add(message);

    /// <summary>
    /// Records a message as applied by a consumer (the inbox); false when it was already. With the job the message is
    /// about, reads that job in the same statement for the saga's load (one round trip instead of two). Only a job
    /// found is kept: a job not there yet is looked for again by the load, as before.
    /// </summary>
    public async Task<bool> TryConsumeAsync(Guid consumerId, Guid messageId, Guid? jobId, CancellationToken cancellationToken)
    {
        if (jobId is not { } id)
            return await OutboxTable.TryConsumeAsync(_connection, _transaction, consumerId, messageId, cancellationToken);
        await using var command = Command(JobsTable.ConsumeAndLoad);
        command.Parameters.Add(new NpgsqlParameter<Guid>("consumer_id", consumerId));
        command.Parameters.Add(new NpgsqlParameter<Guid>("message_id", messageId));
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        _preloaded = reader.IsDBNull(1) ? null : (id, reader.GetInt32(1), reader.GetString(2));
        return reader.GetBoolean(0);
    }

    /// <summary>A statement in this transaction, for the stores that take part in it.</summary>
    internal NpgsqlCommand CreateCommand(string sql) => Command(sql);

    /// <summary>
    /// Sends the writes and the outbox rows in one batch and commits, then forgets the log lines that are now stored
    /// and sends the messages (with a delivery; else, or when it cannot, the relay sends them).
    /// </summary>
    public async Task CommitAsync()
    {
        // Not cancellable: once the pipe has run, abandoning the commit half way only makes its outcome unknown.
        var held = await WriteAsync();
        await _transaction.CommitAsync(CancellationToken.None);
        foreach (var job in _logged)
        {
            job.PendingLog.Clear();
            job.PendingAudit.Clear();
            job.PendingCommands.Clear();
        }
        _logged.Clear();
        if (held.Count > 0)
            await _delivery!.DeliverAsync(held);
    }

    /// <summary>The batch: outbox rows first (their answer is the batch's only result), then the writes, checked.</summary>
    async Task<IReadOnlyList<(long SequenceNumber, OutboxMessage Row)>> WriteAsync()
    {
        if (_outgoing.Count == 0 && _writes.Count == 0)
            return [];
        await using var batch = new NpgsqlBatch(_connection, _transaction);
        if (_outgoing.Count > 0)
            batch.BatchCommands.Add(OutboxTable.InsertCommand(_outgoing, _delivery?.Hold));
        foreach (var (command, _) in _writes)
            batch.BatchCommands.Add(command);

        IReadOnlyList<(long SequenceNumber, OutboxMessage Row)> held = [];
        var toRelay = false;
        await using (var reader = await batch.ExecuteReaderAsync(CancellationToken.None))
        {
            if (_outgoing.Count > 0)
                (held, toRelay) = await OutboxTable.ReadInsertedAsync(reader, _outgoing, CancellationToken.None);
        }
        var first = _outgoing.Count > 0 ? 1 : 0;
        for (var i = 0; i < _writes.Count; i++)
        {
            if (_writes[i].Check?.Invoke(batch.BatchCommands[first + i].RecordsAffected) is { } failure)
                throw failure;
        }
        if (toRelay)
            await OutboxTable.NotifyAsync(_connection, _transaction, CancellationToken.None);
        _outgoing.Clear();
        _writes.Clear();
        return held;
    }

    public async ValueTask DisposeAsync()
    {
        // An uncommitted transaction is rolled back here.
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    /// <summary>The job's pending log lines, applied commands and audit entries, written at the commit.</summary>
    void WritePending(DeploymentJobState job)
    {
        if (job.PendingLog.Count > 0)
            _writes.Add((JobLogStore.InsertCommand(job.PendingLog), null));
        if (job.PendingCommands.Count > 0)
            _writes.Add((CommandLedger.RecordCommand(job.PendingCommands), null));
        if (job.PendingAudit.Count > 0)
            _writes.Add((JobAuditStore.InsertCommand(job.PendingAudit), null));
        _logged.Add(job);
    }

    NpgsqlCommand Command(string sql) => new(sql, _connection, _transaction);

    static ConcurrencyException Conflict(DeploymentJobState job, string what) =>
        new($"Job {job.CorrelationId} {what}.", typeof(DeploymentJobState), job.CorrelationId);
}
