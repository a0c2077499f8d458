using JobMonitor.Contracts;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs.Check;
using JobMonitor.Service.Telemetry;
using MassTransit;

namespace JobMonitor.Service.Jobs;

/// <summary>Opening a job (INIT), and the answer to a repeated or conflicting CreateJob.</summary>
public sealed partial class DeploymentJobStateMachine
{
    async Task OpenAsync(BehaviorContext<DeploymentJobState, OpenJob> context)
    {
        var job = context.Saga;
        var message = context.Message;
        var definition = message.Definition;
        var now = _clock.GetUtcNow();

        job.Key = message.Key;
        job.Name = definition.Name;
        job.Project = definition.Project;
        job.Environment = definition.Environment;
        job.Type = definition.Type;
        job.Revisions = definition.Revisions;
        job.Pipeline = definition.Pipeline;
        job.ScheduledAt = definition.ScheduledAt;
        job.MaxStartAt = definition.MaxStartAt;
        job.CreatedAt = now;
        job.CreatedBy = message.RequestedBy;
        job.Owner = message.RequestedBy;
        job.Exec = 1;
        job.Step = JobStep.Init;
        job.TraceParent = message.TraceParent;
        Remember(job, message.CommandId, nameof(CreateJob));
        Log(job, JobLogLevel.Info, $"job {job.Key} created by {message.RequestedBy ?? "unknown"}; RUN scheduled at {job.ScheduledAt:O}, max start {job.MaxStartAt:O}");

        await context.Publish(new JobCreated
        {
            JobId = job.CorrelationId,
            CommandId = message.CommandId,
            Key = job.Key,
            Name = job.Name,
            Project = job.Project,
            Environment = job.Environment,
            ScheduledAt = job.ScheduledAt,
            MaxStartAt = job.MaxStartAt,
            CreatedBy = job.CreatedBy,
        });
        JobMonitorTelemetry.CommandsAccepted.Add(1, new(JobTags.Command, nameof(CreateJob)), new("duplicate", false));
        await context.Publish(new JobCommandAccepted
        {
            JobId = job.CorrelationId,
            CommandId = message.CommandId,
            Command = nameof(CreateJob),
            Version = job.Version + 1,
        });

        // INIT passes to PRE at once. The max-start trigger is armed when the job starts waiting (RUN gate, approval):
        // a job that never waits needs no Hangfire job, and the RUN gate itself refuses to start after maxStartAt.
        await StartStepAsync(context, JobStep.Pre);
    }

    async Task AcknowledgeRepeatedOpenAsync(BehaviorContext<DeploymentJobState, OpenJob> context)
    {
        var job = context.Saga;
        if (job.SeenCommands.Contains(context.Message.CommandId))
        {
            JobMonitorTelemetry.CommandsAccepted.Add(1, new(JobTags.Command, nameof(CreateJob)), new("duplicate", true));
            await context.Publish(new JobCommandAccepted
            {
                JobId = job.CorrelationId,
                CommandId = context.Message.CommandId,
                Command = nameof(CreateJob),
                Duplicate = true,
                Version = job.Version,
            });
            return;
        }
        JobMonitorTelemetry.CommandsRejected.Add(1, new("command", nameof(CreateJob)), new("reason", RejectionCodes.JobExists));
        await context.Publish(new JobCommandRejected
        {
            JobId = job.CorrelationId,
            CommandId = context.Message.CommandId,
            Command = nameof(CreateJob),
            ReasonCode = RejectionCodes.JobExists,
            Message = $"job {job.CorrelationId} already exists as {job.Key}; a new job needs a new jobId.",
            Field = "jobId",
            RequestedBy = context.Message.RequestedBy,
        });
    }
}
