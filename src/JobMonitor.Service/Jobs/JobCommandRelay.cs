using JobMonitor.Contracts;
using MassTransit;

namespace JobMonitor.Service.Jobs;

/// <summary>
/// Hands an operator command to the job saga. A raw JSON command (a non-.NET publisher) names no message type, and an
/// endpoint that consumes several types, as the saga's does, would try the body as each of them (it failed as
/// <see cref="OpenJob" /> and went to the error queue). So each command type has an endpoint of its own, where the
/// body can only be that command, and is sent on to the saga's queue in MassTransit's envelope, which names the type.
/// </summary>
public sealed class JobCommandRelay<T> : IConsumer<T> where T : JobCommand
{
    // The exchange of the saga's receive endpoint, not "queue:": sending to a queue address declares the queue, and
    // a declaration without the saga queue's x-max-priority argument is refused by RabbitMQ (PRECONDITION_FAILED),
    // which faults this endpoint.
    static readonly Uri Saga = new($"exchange:{DeploymentJobStateDefinition.QueueName}");

    public async Task Consume(ConsumeContext<T> context)
    {
        var saga = await context.GetSendEndpoint(Saga);
        await saga.Send(context.Message, context.CancellationToken);
    }
}
