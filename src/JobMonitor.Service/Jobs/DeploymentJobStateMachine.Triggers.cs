using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Scheduling;
using MassTransit;

namespace JobMonitor.Service.Jobs;

/// <summary>Stored instants (RUN gate, max start, trap time-out): arming and disarming their triggers, and telling a due one.</summary>
public sealed partial class DeploymentJobStateMachine
{
    /// <summary>A trigger of <paramref name="kind" /> armed last: an earlier one of its kind is stale and changes nothing.</summary>
    static bool Due(BehaviorContext<DeploymentJobState, JobTriggerFired> context, JobTriggerKind kind)
    {
        var job = context.Saga;
        return context.Message.Kind == kind && context.Message.Token == kind switch
        {
            JobTriggerKind.RunGate => job.RunGateToken,
            JobTriggerKind.MaxStart => job.MaxStartToken,
            _ => job.TrapToken,
        };
    }

    /// <summary>A max-start trigger that fired early (the date moved later since it was armed) is armed again.</summary>
    bool BeforeMaxStart(BehaviorContext<DeploymentJobState> context) => _clock.GetUtcNow() < context.Saga.MaxStartAt;

    async Task TimeOutTrapAsync(BehaviorContext<DeploymentJobState, JobTriggerFired> context)
    {
        var trap = context.Saga.Trap!;
        var action = trap.TimeoutAction.ToString().ToLowerInvariant();
        Log(context.Saga, JobLogLevel.Warn, $"trap on op {trap.OpName} timed out: {action}");
        await ResolveTrapAsync(context, action);
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
        ArmAsync(context, JobTriggerKind.RunGate, context.Saga.ScheduledAt, ++context.Saga.RunGateToken, PreparedRunOf(context.Saga));

    /// <summary>Asks the scheduler for a trigger at a stored instant; the token makes any earlier one of its kind stale.</summary>
    static async Task ArmAsync(BehaviorContext<DeploymentJobState> context, JobTriggerKind kind, DateTimeOffset dueAt, int token,
        PreparedRun? dispatch = null)
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
            Dispatch = dispatch,
        });
    }
}
