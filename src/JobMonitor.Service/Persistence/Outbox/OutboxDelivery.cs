using JobMonitor.Service.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JobMonitor.Service.Persistence.Outbox;

/// <summary>
/// Sends a transaction's outbox rows right after its commit, from the process that committed it, so that a message
/// does not wait behind every older row in the relay's order: a job's RUN no longer queues behind a burst of other
/// jobs' events. The rows were written with a hold (<see cref="OutboxOptions.CommitSendHold" />) that keeps the relay
/// off them meanwhile. What the broker confirmed is deleted; a row it did not confirm is handed to the relay at once,
/// with the rows after it; a process that dies in between leaves its rows to the relay once the hold is over. Delivery
/// stays at least once, and one job's messages stay in order (see OutboxTable's InsertSql).
/// </summary>
public sealed class OutboxDelivery(
    NpgsqlDataSource dataSource, IBus bus, IOptions<OutboxOptions> options, TimeProvider clock, ILogger<OutboxDelivery> logger)
{
    /// <summary>How long the relay leaves the rows of a committing transaction to it.</summary>
    public TimeSpan Hold => options.Value.CommitSendHold;

    /// <summary>Sends the committed rows in order; never throws: what it could not do, the relay does.</summary>
    public async Task DeliverAsync(IReadOnlyList<(long SequenceNumber, OutboxMessage Row)> rows)
    {
        var sent = new List<long>(rows.Count);
        foreach (var (sequenceNumber, row) in rows)
        {
            try
            {
                // Half the hold, so that the relay does not take a row whose confirm is still awaited here.
                await OutboxSending.SendAsync(bus, row, Hold / 2, clock, logger, CancellationToken.None);
                sent.Add(sequenceNumber);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "{Count} outbox messages could not be sent after their commit; the relay sends them",
                    rows.Count - sent.Count);
                break;
            }
        }
        var unsent = rows.Skip(sent.Count).Select(r => r.SequenceNumber).ToList();
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            if (sent.Count > 0)
                await OutboxTable.DeleteAsync(connection, null, sent, CancellationToken.None);
            if (unsent.Count > 0)
                await OutboxTable.PostponeAsync(connection, null, unsent, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The rows stay held; the relay takes them after the hold (and sends again those sent already).
            logger.LogWarning(e, "Could not record {Count} outbox messages as sent after their commit; the relay takes them after {Hold}",
                rows.Count, Hold);
        }
        JobMonitorTelemetry.OutboxDelivered.Add(sent.Count, OutboxSending.AtCommit);
    }
}
