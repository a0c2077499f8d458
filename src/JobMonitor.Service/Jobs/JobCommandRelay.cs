using JobMonitor.Contracts;
using JobMonitor.Service.Jobs.Check;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Persistence.Outbox;
using MassTransit;

namespace JobMonitor.Service.Jobs;

/// <summary>
/// Hands an operator command to the job saga, numbered in the order it was published. Every command type's exchange
/// is bound to one queue (<see cref="JobCommandQueue.Name" />) read by one consumer at a time,
/// one message at a time: the queue's order is the publication order, and the number given here (in the same
/// transaction as the outbox row that sends the command on) lets the saga apply a job's commands in that order
/// whichever instance reads them. A raw JSON command (a non-.NET publisher) names no message type and would be taken
/// for every command type of the queue: it is the relay of the exchange it was published to that takes it. It is
/// sent on to the saga's queue in MassTransit's envelope, which names the type.
/// On the way, what needs no job state is answered here: the common fields, a command id applied before (even longer
/// ago than the saga remembers), a job that was deleted.
/// </summary>
public sealed class JobCommandRelay<T>(JobDefinitionValidator validator, ICommandLedger ledger) : IConsumer<T> where T : JobCommand
{
    // The exchange of the saga's receive endpoint, not "queue:": sending to a queue address declares the queue, and
    // a declaration without the saga queue's x-max-priority argument is refused by RabbitMQ (PRECONDITION_FAILED),
    // which faults this endpoint.
    static readonly Uri Saga = new($"exchange:{DeploymentJobStateDefinition.QueueName}");

    public async Task Consume(ConsumeContext<T> context)
    {
        if (JobCommandQueue.Route(context.ReceiveContext)?.Name != typeof(T).Name)
            return;
        var command = context.Message;
        if (validator.CheckCommon(command) is { } invalid)
        {
            await DeploymentJobStateMachine.RejectAsync(context, command, invalid);
            return;
        }
        var (applied, deleted, version) = await ledger.LookUpAsync(command.CommandId, command.JobId, context.CancellationToken);
        if (applied is not null && (applied.JobId != command.JobId || applied.Command != typeof(T).Name))
        {
            await DeploymentJobStateMachine.RejectAsync(context, command, new Rejection(RejectionCodes.CommandIdInUse,
                $"commandId {command.CommandId} was used for {applied.Command} of job {applied.JobId}.", "commandId"));
            return;
        }
        if (applied is not null)
        {
            DeploymentJobStateMachine.CountAccepted(command, duplicate: true);
            await context.Publish(new JobCommandAccepted
            {
                JobId = command.JobId,
                CommandId = command.CommandId,
                Command = typeof(T).Name,
                Duplicate = true,
                Version = version ?? 0,
            });
            return;
        }
        if (deleted)
        {
            await DeploymentJobStateMachine.RejectAsync(context, command,
                new Rejection(RejectionCodes.JobDeleted, $"job {command.JobId} was deleted.", "jobId"));
            return;
        }

        var sequence = await CommandOrder.NextAsync(context.GetPayload<JobSagaTransaction>(), command.JobId, context.CancellationToken);
        var saga = await context.GetSendEndpoint(Saga);
        await saga.Send(command, send => send.Headers.Set(CommandOrder.Header, sequence), context.CancellationToken);
    }
}

/// <summary>The ordered relay's queue and the command types its messages can be.</summary>
public static class JobCommandQueue
{
    public const string Name = "job-commands";

    static readonly Dictionary<string, CommandRoute> Routes = new[]
    {
        CommandRoute.Of<ApproveJob>(), CommandRoute.Of<RejectJob>(), CommandRoute.Of<RescheduleJob>(),
        CommandRoute.Of<RerunJob>(), CommandRoute.Of<CancelJob>(), CommandRoute.Of<DeleteJob>(),
        CommandRoute.Of<RespondToTrap>(), CommandRoute.Of<PauseTrap>(), CommandRoute.Of<ResumeTrap>(),
    }.ToDictionary(r => r.Exchange);

    /// <summary>The command a message of the queue is, by the exchange it was published to; null for none.</summary>
    public static CommandRoute? Route(ReceiveContext context) =>
        CommandRoute.ExchangeOf(context) is { } exchange ? Routes.GetValueOrDefault(exchange) : null;
}

/// <summary>
/// The ordered relay's endpoint: one queue for every command type, one consumer and one message at a time, each
/// message judged against the contract of the command its exchange carries.
/// </summary>
public sealed class JobCommandRelayDefinition<T> : ConsumerDefinition<JobCommandRelay<T>> where T : JobCommand
{
    public JobCommandRelayDefinition()
    {
        EndpointName = JobCommandQueue.Name;
        ConcurrentMessageLimit = 1;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<JobCommandRelay<T>> consumerConfigurator,
        IRegistrationContext context)
    {
        // One message at a time on the whole endpoint, not only per consumer: every consumer of the queue sees every
        // message, and a second message dispatched while the first is still in another consumer could overtake it.
        endpointConfigurator.ConcurrentMessageLimit = 1;
        endpointConfigurator.PrefetchCount = 16;
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
            rabbit.SingleActiveConsumer = true;
        endpointConfigurator.UseCommandContract(context, JobCommandQueue.Route);
        endpointConfigurator.UsePostgresOutbox(context);
    }
}
