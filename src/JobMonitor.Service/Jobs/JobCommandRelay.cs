using JobMonitor.Contracts;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Persistence.Outbox;
using MassTransit;

namespace JobMonitor.Service.Jobs;

/// <summary>
/// Hands an operator command to the job saga, numbered in the order it was published. Every command type's exchange
/// is bound to one queue (<see cref="JobCommandRelayDefinition{T}.QueueName" />) read by one consumer at a time,
/// one message at a time: the queue's order is the publication order, and the number given here (in the same
/// transaction as the outbox row that sends the command on) lets the saga apply a job's commands in that order
/// whichever instance reads them. A raw JSON command (a non-.NET publisher) names no message type and would be taken
/// for every command type of the queue: it is the relay of the exchange it was published to that takes it. It is
/// sent on to the saga's queue in MassTransit's envelope, which names the type.
/// </summary>
public sealed class JobCommandRelay<T>(ILogger<JobCommandRelay<T>> logger) : IConsumer<T> where T : JobCommand
{
    // The exchange of the saga's receive endpoint, not "queue:": sending to a queue address declares the queue, and
    // a declaration without the saga queue's x-max-priority argument is refused by RabbitMQ (PRECONDITION_FAILED),
    // which faults this endpoint.
    static readonly Uri Saga = new($"exchange:{DeploymentJobStateDefinition.QueueName}");

    // MassTransit's exchange name for the type (JobMonitor.Contracts:CancelJob).
    static readonly string Exchange = $"{typeof(T).Namespace}:{typeof(T).Name}";

    public async Task Consume(ConsumeContext<T> context)
    {
        if (!context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var delivery) || delivery.Exchange != Exchange)
        {
            logger.LogDebug("Command {MessageId} from exchange {Exchange} is not a {Command}", context.MessageId,
                delivery?.Exchange, typeof(T).Name);
            return;
        }
        var sequence = await CommandOrder.NextAsync(context.GetPayload<JobSagaTransaction>(), context.Message.JobId, context.CancellationToken);
        var saga = await context.GetSendEndpoint(Saga);
        await saga.Send(context.Message, send => send.Headers.Set(CommandOrder.Header, sequence), context.CancellationToken);
    }
}

/// <summary>The ordered relay's endpoint: one queue for every command type, one consumer and one message at a time.</summary>
public sealed class JobCommandRelayDefinition<T> : ConsumerDefinition<JobCommandRelay<T>> where T : JobCommand
{
    public const string QueueName = "job-commands";

    public JobCommandRelayDefinition()
    {
        EndpointName = QueueName;
        ConcurrentMessageLimit = 1;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<JobCommandRelay<T>> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = 16;
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
            rabbit.SingleActiveConsumer = true;
        endpointConfigurator.UsePostgresOutbox(context);
    }
}
