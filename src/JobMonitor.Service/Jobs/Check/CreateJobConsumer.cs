using System.Diagnostics;
using JobMonitor.Contracts;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Security;
using JobMonitor.Service.Telemetry;
using MassTransit;

namespace JobMonitor.Service.Jobs.Check;

/// <summary>
/// CHECK: validates a create command before any job exists, then whether its <c>requestedBy</c> may create jobs in
/// its project and environment. A valid, permitted one gets its key and opens the job saga; any other is answered
/// with <see cref="JobCommandRejected"/> and leaves nothing behind. The creates held are checked earliest RUN date first
/// (<see cref="OpeningOrder" />); one that fails validation has no date and is answered first.
/// </summary>
public sealed class CreateJobConsumer(
    JobDefinitionValidator validator,
    JobAccess access,
    IJobKeyAllocator keys,
    ICommandLedger ledger,
    OpeningOrder order,
    TimeProvider clock,
    ILogger<CreateJobConsumer> logger) : IConsumer<CreateJob>
{
    public async Task Consume(ConsumeContext<CreateJob> context)
    {
        var command = context.Message;
        var (definition, rejection) = validator.Validate(command, clock.GetUtcNow());
        using var turn = await order.EnterAsync(definition?.ScheduledAt ?? DateTimeOffset.MinValue, context.CancellationToken);
        if (definition is not null && !access.For(command.RequestedBy ?? "").Holds(JobAction.Create, definition.Project, definition.Environment))
        {
            rejection = new Rejection(RejectionCodes.Forbidden,
                $"{command.RequestedBy ?? "(nobody)"} may not create jobs in {definition.Project}/{definition.Environment}.", "requestedBy");
            definition = null;
        }
        rejection ??= await ReplayedAsync(command, context.CancellationToken);
        if (rejection is not null || definition is null)
        {
            logger.LogInformation("CreateJob {CommandId} for job {JobId} rejected: {Reason} {Message}",
                command.CommandId, command.JobId, rejection?.Code, rejection?.Message);
            JobMonitorTelemetry.CommandsRejected.Add(1, new("command", nameof(CreateJob)), new("reason", rejection?.Code));
            await context.Publish(new JobCommandRejected
            {
                JobId = command.JobId,
                CommandId = command.CommandId,
                Command = nameof(CreateJob),
                ReasonCode = rejection!.Code,
                Message = rejection.Message,
                Field = rejection.Field,
                RequestedBy = command.RequestedBy,
            });
            return;
        }

        var key = await keys.NextAsync(definition.Type, definition.Environment, context.CancellationToken);
        // Current while OpenJob is published, so that the saga's handling joins the execution's trace.
        using var execution = JobTracing.StartExecution(command.JobId, key, exec: 1,
            JobTracing.UpstreamOf(context) ?? Activity.Current?.Context ?? default);
        await context.Publish(new OpenJob
        {
            JobId = command.JobId,
            CommandId = command.CommandId,
            Key = key,
            RequestedBy = command.RequestedBy,
            Definition = definition,
            TraceParent = execution?.Id,
        });
    }

    /// <summary>A create for a deleted job, or with a command id already used for another job: refused.</summary>
    async Task<Rejection?> ReplayedAsync(CreateJob command, CancellationToken cancellationToken)
    {
        var (applied, deleted, _) = await ledger.LookUpAsync(command.CommandId, command.JobId, cancellationToken);
        if (deleted)
            return new Rejection(RejectionCodes.JobDeleted, $"job {command.JobId} was deleted; a new job needs a new jobId.", "jobId");
        return applied is not null && (applied.JobId != command.JobId || applied.Command != nameof(CreateJob))
            ? new Rejection(RejectionCodes.CommandIdInUse, $"commandId {command.CommandId} was used for {applied.Command} of job {applied.JobId}.", "commandId")
            : null;
    }
}
