using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Scheduling;
using MassTransit;

namespace JobMonitor.Service.Jobs;

/// <summary>Stored instants (RUN gate, max start, trap time-out), traps, and the abend of a vanished worker.</summary>
public sealed partial class DeploymentJobStateMachine
{
    async Task OnTriggerAsync(BehaviorContext<DeploymentJobState, JobTriggerFired> context)
    {
        var job = context.Saga;
        var message = context.Message;
        switch (message.Kind)
        {
            case JobTriggerKind.RunGate when message.Token == job.RunGateToken && job.CurrentState == JobStatus.Ready && WaitingAtRunGate(job):
                await OpenRunGateAsync(context);
                break;
            case JobTriggerKind.MaxStart when message.Token == job.MaxStartToken && WaitingToStart(job):
                var now = _clock.GetUtcNow();
                if (now < job.MaxStartAt)
                {
                    await ArmMaxStartAsync(context);
                    return;
                }
                await StopStepRunAsync(context, "the job expired");
                await ExpireAsync(context, now);
                break;
            case JobTriggerKind.TrapTimeout when message.Token == job.TrapToken && job.CurrentState == JobStatus.Trapped && job.Trap is { } trap:
                var action = trap.TimeoutAction.ToString().ToLowerInvariant();
                Log(job, LogLevels.Warn, $"trap on op {trap.OpName} timed out: {action}");
                await ResolveTrapAsync(context, action);
                break;
        }
    }

    /// <summary>Removes the job's Hangfire triggers, if it ever armed any (most due-now jobs never do).</summary>
    static async Task DisarmTriggersAsync(BehaviorContext<DeploymentJobState> context)
    {
        var job = context.Saga;
        if (!job.TriggersArmed)
            return;
        job.TriggersArmed = false;
        await context.Publish(new DisarmJobTriggers
        {
            JobId = job.CorrelationId,
            Tokens = new Dictionary<JobTriggerKind, int>
            {
                [JobTriggerKind.RunGate] = job.RunGateToken,
                [JobTriggerKind.MaxStart] = job.MaxStartToken,
                [JobTriggerKind.TrapTimeout] = job.TrapToken,
            },
        });
    }

    static Task ArmMaxStartAsync(BehaviorContext<DeploymentJobState> context) =>
        ArmAsync(context, JobTriggerKind.MaxStart, context.Saga.MaxStartAt, ++context.Saga.MaxStartToken);

    static Task ArmTrapTimeoutAsync(BehaviorContext<DeploymentJobState> context) =>
        ArmAsync(context, JobTriggerKind.TrapTimeout, context.Saga.Trap!.Deadline!.Value, ++context.Saga.TrapToken);

    static Task ArmRunGateAsync(BehaviorContext<DeploymentJobState> context) =>
        ArmAsync(context, JobTriggerKind.RunGate, context.Saga.ScheduledAt, ++context.Saga.RunGateToken);

    /// <summary>Asks the scheduler for a trigger at a stored instant; the token makes any earlier one of its kind stale.</summary>
    static async Task ArmAsync(BehaviorContext<DeploymentJobState> context, JobTriggerKind kind, DateTimeOffset dueAt, int token)
    {
        var job = context.Saga;
        job.TriggersArmed = true;
        await context.Publish(new ArmJobTrigger
        {
            JobId = job.CorrelationId,
            JobKey = job.Key,
            Kind = kind,
            DueAt = dueAt,
            Token = token,
        });
    }
}
