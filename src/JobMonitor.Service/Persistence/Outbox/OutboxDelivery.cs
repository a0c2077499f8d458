using System.Threading.Channels;
using JobMonitor.Service.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JobMonitor.Service.Persistence.Outbox;

/// <summary>
/// Sends a transaction's outbox rows right after its commit, from the process that committed it, so that a message
/// does not wait behind every older row in the relay's order: a job's RUN no longer queues behind a burst of other
/// jobs' events. The rows were written with a hold (<see cref="OutboxOptions.CommitSendHold" />) that keeps the relay
/// off them meanwhile. What the broker confirmed is deleted, many transactions' rows in one statement a moment later; a
/// row it did not confirm is handed to the relay at once, with the rows after it; a process that dies in between
/// leaves its rows to the relay once the hold is over. Delivery stays at least once, and one job's messages stay in
/// order (see OutboxTable's InsertSql).
/// </summary>
public sealed class OutboxDelivery(
    NpgsqlDataSource dataSource, IBus bus, IOptions<OutboxOptions> options, TimeProvider clock, ILogger<OutboxDelivery> logger)
    : BackgroundService
{
    // Rows sent and not yet deleted are gathered this long, so that one statement deletes many transactions' rows.
    static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(100);
    const int MaxDelete = 2_000;

    readonly Channel<long> _sent = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>How long the relay leaves the rows of a committing transaction to it.</summary>
    public TimeSpan Hold => options.Value.CommitSendHold;

    /// <summary>Sends the committed rows in order; never throws: what it could not do, the relay does.</summary>
    public async Task DeliverAsync(IReadOnlyList<(long SequenceNumber, OutboxMessage Row)> rows)
    {
        var sent = 0;
        foreach (var (sequenceNumber, row) in rows)
        {
            try
            {
                // Half the hold, so that the relay does not take a row whose confirm is still awaited here.
                await OutboxSending.SendAsync(bus, row, Hold / 2, clock, logger, CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "{Count} outbox messages could not be sent after their commit; the relay sends them", rows.Count - sent);
                await HandToRelayAsync([.. rows.Skip(sent).Select(r => r.SequenceNumber)]);
                break;
            }
            _sent.Writer.TryWrite(sequenceNumber);
            sent++;
        }
        JobMonitorTelemetry.OutboxDelivered.Add(sent, OutboxSending.AtCommit);
    }

    async Task HandToRelayAsync(IReadOnlyList<long> unsent)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await OutboxTable.PostponeAsync(connection, null, unsent, CancellationToken.None);
        }
        catch (Exception e)
        {
            // They stay held; the relay takes them once the hold is over.
            logger.LogWarning(e, "Could not hand {Count} outbox messages to the relay; it takes them after {Hold}", unsent.Count, Hold);
        }
    }

    /// <summary>Deletes the rows sent, a batch at a time; at the stop, what is left.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _sent.Reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(Gather, clock, stoppingToken);
                await DeleteSentAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await DeleteSentAsync();
        }
    }

    async Task DeleteSentAsync()
    {
        var sent = new List<long>();
        while (sent.Count < MaxDelete && _sent.Reader.TryRead(out var sequenceNumber))
            sent.Add(sequenceNumber);
        if (sent.Count == 0)
            return;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await OutboxTable.DeleteAsync(connection, null, sent, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The rows stay held; after the hold the relay sends them again (at least once, as ever).
            logger.LogWarning(e, "Could not delete {Count} outbox rows sent after their commit; the relay sends them again after {Hold}",
                sent.Count, Hold);
        }
    }
}
