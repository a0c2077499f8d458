using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using MassTransit.Transports;

namespace JobMonitor.Service.Persistence.Outbox;

/// <summary>
/// Publishes outside a consumer (the action API) into a <see cref="JobSagaTransaction" />: the message is built by the
/// bus's own publish topology (exchange, envelope, headers) but stored as an outbox row, sent once the transaction commits.
/// </summary>
public sealed class OutboxPublisher(IBus bus, IServiceProvider provider)
{
    public Task PublishAsync(JobSagaTransaction transaction, object message, Type messageType, CancellationToken cancellationToken)
    {
        var endpoint = new PublishEndpoint(new OutboxPublishEndpointProvider(new Rows(transaction, provider), (IPublishEndpointProvider)bus));
        return endpoint.Publish(message, messageType, cancellationToken);
    }

    sealed class Rows(JobSagaTransaction transaction, IServiceProvider provider) : OutboxSendContext
    {
        public Task AddSend<T>(SendContext<T> context) where T : class
        {
            transaction.Send(OutboxMessage.From(context));
            return Task.CompletedTask;
        }

        public object? GetService(Type serviceType) => provider.GetService(serviceType);
    }
}
