using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;

namespace JobMonitor.Service.Persistence.Outbox;

/// <summary>
/// A message consumed in a <see cref="JobSagaTransaction" />: what it sends becomes outbox rows of that transaction,
/// and the relay delivers them, never the consumer itself (so there is never anything left to deliver here).
/// </summary>
public sealed class PostgresOutboxConsumeContext<TMessage>(
    ConsumeContext<TMessage> consumeContext,
    OutboxConsumeOptions options,
    IServiceProvider provider,
    JobSagaTransaction transaction,
    bool alreadyConsumed)
    : OutboxConsumeContextProxy<TMessage>(consumeContext, options, provider)
    where TMessage : class
{
    public override bool ContinueProcessing { get; set; } = true;
    public override bool IsMessageConsumed => alreadyConsumed;
    public override bool IsOutboxDelivered => true;
    public override int ReceiveCount => alreadyConsumed ? 2 : 1;
    public override long? LastSequenceNumber => null;

    // The inbox row was written when the transaction began; the commit stores it with the rest.
    public override Task SetConsumed() => Task.CompletedTask;
    public override Task SetDelivered() => Task.CompletedTask;
    public override Task<List<OutboxMessageContext>> LoadOutboxMessages() => Task.FromResult(new List<OutboxMessageContext>());
    public override Task NotifyOutboxMessageDelivered(OutboxMessageContext message) => Task.CompletedTask;
    public override Task RemoveOutboxMessages() => Task.CompletedTask;

    public override Task AddSend<T>(SendContext<T> context)
    {
        transaction.Send(OutboxMessage.From(context));
        return Task.CompletedTask;
    }
}
