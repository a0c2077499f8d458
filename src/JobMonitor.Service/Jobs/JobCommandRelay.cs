using JobMonitor.Contracts;
using JobMonitor.Service.Jobs.Check;
using JobMonitor.Service.Persistence;
using MassTransit;

namespace JobMonitor.Service.Jobs;

/// <summary>
/// Hands an operator command to the job saga. A raw JSON command (a non-.NET publisher) names no message type, and an
/// endpoint that consumes several types, as the saga's does, would try the body as each of them (it failed as
/// <see cref="OpenJob" /> and went to the error queue). So each command type has an endpoint of its own, where the
/// body can only be that command, and is sent on to the saga's queue in MassTransit's envelope, which names the type.
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

        var saga = await context.GetSendEndpoint(Saga);
        await saga.Send(command, context.CancellationToken);
    }
}
