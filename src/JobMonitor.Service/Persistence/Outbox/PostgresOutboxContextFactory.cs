using JobMonitor.Service.Telemetry;
using MassTransit;
using MassTransit.Middleware;
using Npgsql;

namespace JobMonitor.Service.Persistence.Outbox;

/// <summary>
/// MassTransit's consumer outbox on PostgreSQL. Each delivery runs in one transaction: the inbox row (consumer,
/// message id) first, then the consumer, whose saga writes (see PostgresSagaRepositoryContextFactory) and sends join
/// that transaction, then one commit, after which the transaction sends what it wrote to the outbox. A redelivery of a message already applied finds its inbox row and is acked
/// without running the consumer again.
/// </summary>
public sealed class PostgresOutboxContextFactory(NpgsqlDataSource dataSource, OutboxDelivery delivery, IServiceProvider provider)
    : IOutboxContextFactory<JobSagaTransaction>
{
    public async Task Send<T>(ConsumeContext<T> context, OutboxConsumeOptions options, IPipe<OutboxConsumeContext<T>> next)
        where T : class
    {
        await using var transaction = await JobSagaTransaction.BeginAsync(dataSource, delivery, context.CancellationToken);
        // A raw JSON message from a publisher that set no message_id cannot be recognised when it comes again: it is
        // applied as new (the saga still knows a repeated command by its commandId).
        var first = context.GetOriginalMessageId() is not { } messageId
            || await transaction.TryConsumeAsync(options.ConsumerId, messageId, MessageJobId.Of(context.Message), context.CancellationToken);
        if (!first)
            JobMonitorTelemetry.InboxDuplicates.Add(1, new KeyValuePair<string, object?>("consumer", options.ConsumerType));
        var outboxContext = new PostgresOutboxConsumeContext<T>(context, options, provider, transaction, alreadyConsumed: !first);
        // A retry runs this again with a new transaction: replace, never reuse, the one an earlier attempt left.
        outboxContext.AddOrUpdatePayload(() => transaction, _ => transaction);
        await next.Send(outboxContext);
        await transaction.CommitAsync();
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("postgresOutbox");
}
