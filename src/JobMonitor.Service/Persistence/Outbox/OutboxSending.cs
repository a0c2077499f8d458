using MassTransit;
using MassTransit.Middleware;
using MassTransit.Serialization;

namespace JobMonitor.Service.Persistence.Outbox;

/// <summary>Publishing one outbox row as MassTransit built it, for the relay and for the delivery after a commit.</summary>
public static class OutboxSending
{
    /// <summary>The <c>jobmonitor.outbox.delivered</c> tag of rows the relay sent.</summary>
    public static readonly KeyValuePair<string, object?> ByRelay = new("path", "relay");

    /// <summary>The <c>jobmonitor.outbox.delivered</c> tag of rows the committing transaction sent itself.</summary>
    public static readonly KeyValuePair<string, object?> AtCommit = new("path", "commit");

    /// <summary>
    /// Sends the row and waits for the broker's confirm, at most <paramref name="timeout" />. A row whose time to live
    /// is over is not sent (and counts as delivered).
    /// </summary>
    public static async Task SendAsync(
        IBus bus, OutboxMessage row, TimeSpan timeout, TimeProvider clock, ILogger logger, CancellationToken cancellationToken)
    {
        if (row.ExpirationTime is { } expires && expires <= clock.GetUtcNow().UtcDateTime)
        {
            logger.LogDebug("Outbox message {MessageId} expired before it could be sent", row.MessageId);
            return;
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var endpoint = await bus.GetSendEndpoint(row.Destination);
        await endpoint.Send(new SerializedMessageBody(), new OutboxMessageSendPipe(row, row.Destination), deadline.Token);
    }
}
