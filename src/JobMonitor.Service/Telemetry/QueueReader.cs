using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace JobMonitor.Service.Telemetry;

/// <summary>
/// Reads a queue's ready messages and consumers with a passive declare, over a connection of its own (no management
/// plugin needed, the same credentials as the bus). Not thread-safe: one reader per caller that reads in turn.
/// </summary>
public sealed class QueueReader(string uri, string clientName) : IAsyncDisposable
{
    readonly ConnectionFactory factory = new() { Uri = new Uri(uri), ClientProvidedName = clientName };
    IConnection? connection;

    /// <summary>
    /// The queue's reading; null when the queue is not declared, <see cref="QueueReading.Locked"/> when it is exclusive to
    /// another connection (an instance's own queue: nobody else may even look at it). Throws when the broker does not
    /// answer, and then drops the connection: the next read opens a new one.
    /// </summary>
    public async Task<QueueReading?> ReadAsync(string queue, CancellationToken cancellationToken = default)
    {
        try
        {
            connection ??= await factory.CreateConnectionAsync(cancellationToken);
            // A passive declare of a missing queue closes its channel: one channel per queue.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            var ok = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
            return new QueueReading(queue, ok.MessageCount, ok.ConsumerCount);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == NotFound)
        {
            return null;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == ResourceLocked)
        {
            return new QueueReading(queue, 0, 0, Locked: true);
        }
        catch (Exception)
        {
            await DisposeAsync();
            throw;
        }
    }

    const ushort NotFound = 404;
    const ushort ResourceLocked = 405;

    public async ValueTask DisposeAsync()
    {
        var open = connection;
        connection = null;
        try
        {
            if (open is not null)
                await open.DisposeAsync();
        }
        catch (Exception e) when (e is IOException or AlreadyClosedException or OperationInterruptedException)
        {
            // A connection the broker already dropped has nothing left to close.
        }
    }
}

/// <param name="Locked">Exclusive to another connection: its figures cannot be read (and are zero here).</param>
public sealed record QueueReading(string Queue, uint Ready, uint Consumers, bool Locked = false);
