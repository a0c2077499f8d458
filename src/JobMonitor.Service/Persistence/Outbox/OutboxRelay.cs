using System.Collections.Concurrent;
using JobMonitor.Service.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JobMonitor.Service.Persistence.Outbox;

/// <summary>
/// Delivers outbox rows; every instance runs one. A round claims the oldest rows of its bus's broker (instances on one
/// database but other vhosts leave each other's rows alone) with FOR UPDATE SKIP LOCKED, so relays
/// share the work), publishes them with publisher confirms (one job's rows one after the other, jobs in parallel),
/// deletes the rows that were confirmed and commits. A round that sent nothing (the broker is away) backs the relay off
/// and leaves the rows as they were; a row that failed while others went out is put aside with a back-off of its own.
/// The relay never gives up, and a row is deleted only after the broker confirmed it: delivery is at least once.
/// </summary>
public sealed class OutboxRelay(
    NpgsqlDataSource dataSource, IBus bus, IOptions<OutboxOptions> options, TimeProvider clock, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        await using var wakeUp = new OutboxWakeUp(dataSource, logger);
        var backoff = TimeSpan.Zero;
        var nextSweep = clock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (backoff > TimeSpan.Zero)
                    await Task.Delay(backoff, clock, stoppingToken);
                if (clock.GetUtcNow() >= nextSweep)
                {
                    await SweepInboxAsync(settings, stoppingToken);
                    nextSweep = clock.GetUtcNow() + settings.InboxSweepInterval;
                }
                var full = await DeliverRoundAsync(settings, stoppingToken);
                backoff = TimeSpan.Zero;
                if (!full)
                    await wakeUp.WaitAsync(settings.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                JobMonitorTelemetry.OutboxFailures.Add(1);
                backoff = TimeSpan.FromTicks(Math.Min(settings.MaxBackoff.Ticks, Math.Max(MinBackoff.Ticks, backoff.Ticks * 2)));
                logger.LogWarning(e, "Outbox relay round failed; the rows stay and are sent again in {Backoff}", backoff);
            }
        }
    }

    /// <summary>One round; true when it took a full batch, so more rows are probably waiting.</summary>
    async Task<bool> DeliverRoundAsync(OutboxOptions settings, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = await OutboxTable.ClaimAsync(connection, transaction, OutboxMessage.BrokerOf(bus.Address), settings.BatchSize, cancellationToken);
        if (rows.Count == 0)
            return false;

        var sent = new ConcurrentBag<long>();
        var failed = new ConcurrentBag<long>();
        var failures = new ConcurrentBag<Exception>();
        await Task.WhenAll(rows.GroupBy(Lane).Select(async lane =>
        {
            foreach (var row in lane)
            {
                try
                {
                    await OutboxSending.SendAsync(bus, row, settings.DeliveryTimeout, clock, logger, cancellationToken);
                    sent.Add(row.SequenceNumber);
                }
                catch (Exception e)
                {
                    // The rest of this job's rows wait for this one: they must not overtake it.
                    failed.Add(row.SequenceNumber);
                    failures.Add(e);
                    return;
                }
            }
        }));

        var failure = failures.IsEmpty ? null
            : new AggregateException($"{failures.Count} of {rows.Count} outbox messages could not be sent.", failures);
        // Nothing went out: the broker is away, not these rows. The relay backs off as a whole and marks no row, so
        // that once the broker is back every row goes out at the next round, not after a back-off it ran up meanwhile.
        if (failure is not null && sent.IsEmpty)
            throw failure;

        // What the broker confirmed is deleted even when part of the round failed, so it is not sent twice. A row that
        // failed while others went out waits a while (with its job's later rows), so that it does not hold up every
        // other job's messages.
        await OutboxTable.DeleteAsync(connection, transaction, sent, CancellationToken.None);
        await OutboxTable.PostponeAsync(connection, transaction, failed, CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        JobMonitorTelemetry.OutboxDelivered.Add(sent.Count, OutboxSending.ByRelay);
        if (failure is not null)
            logger.LogWarning(failure, "Outbox messages could not be sent; they are tried again later");
        return rows.Count == settings.BatchSize;
    }

    async Task SweepInboxAsync(OutboxOptions settings, CancellationToken cancellationToken)
    {
        var removed = await OutboxTable.SweepInboxAsync(dataSource, settings.InboxRetention, cancellationToken)
            + await CommandOrder.SweepAsync(dataSource, settings.InboxRetention, cancellationToken);
        if (removed > 0)
            logger.LogDebug("Forgot {Count} inbox and command order entries older than {Retention}", removed, settings.InboxRetention);
    }

    // One lane per job keeps its messages in order; a message of no job has a lane of its own.
    static (Guid, long) Lane(OutboxMessage row) => row.JobId is { } job ? (job, 0) : (Guid.Empty, row.SequenceNumber);
}
