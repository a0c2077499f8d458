using Npgsql;

namespace JobMonitor.Service.Persistence.Outbox;

/// <summary>
/// The relay's LISTEN connection: a commit that wrote outbox rows notifies <see cref="OutboxTable.Channel" /> and wakes
/// the relay at once. A lost connection is opened again on the next wait; meanwhile the wait is a plain poll. The pool
/// does not reset connections (PersistenceExtensions), so the LISTEN is undone before this one goes back to it.
/// </summary>
public sealed class OutboxWakeUp(NpgsqlDataSource dataSource, ILogger logger) : IAsyncDisposable
{
    NpgsqlConnection? _connection;

    /// <summary>Returns on a notification or after <paramref name="timeout" />, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            if (_connection is null)
            {
                _connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var listen = new NpgsqlCommand($"LISTEN {OutboxTable.Channel}", _connection);
                await listen.ExecuteNonQueryAsync(cancellationToken);
            }
            await _connection.WaitAsync(timeout, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug(e, "The outbox relay lost its LISTEN connection; polling until it is back");
            await DisposeAsync();
            await Task.Delay(timeout, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not { } connection)
            return;
        _connection = null;
        try
        {
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                // Short: a shutdown with the database unreachable must not wait the default 30 s for it.
                await using var unlisten = new NpgsqlCommand($"UNLISTEN {OutboxTable.Channel}", connection) { CommandTimeout = 5 };
                await unlisten.ExecuteNonQueryAsync();
            }
        }
        catch (NpgsqlException e)
        {
            // The connection broke (the reason the relay lets it go, mostly): Npgsql does not pool a broken one.
            logger.LogDebug(e, "Could not undo the outbox relay's LISTEN; the connection is dropped");
        }
        await connection.DisposeAsync();
    }
}
