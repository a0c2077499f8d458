using JobMonitor.Contracts;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs.Check;
using JobMonitor.Service.Scheduling;
using MassTransit;

namespace JobMonitor.Service.Jobs;

/// <summary>An op that failed with onError trap: the job waits in Trapped for retry, skip or abort, or for its time-out.</summary>
public sealed partial class DeploymentJobStateMachine
{
    async Task TrapAsync(BehaviorContext<DeploymentJobState> context, int opIndex, string? error, DateTimeOffset now)
    {
        var job = context.Saga;
        var op = job.Pipeline.OpsOf(job.Step)[opIndex];
        job.Trap = new TrapRecord
        {
            Step = job.Step,
            OpIndex = opIndex,
            OpName = op.Name,
            Error = error,
            TrappedAt = now,
            Deadline = op.TrapTimeout is { } timeout ? now + timeout : null,
            TimeoutAction = op.TrapTimeoutAction,
        };
        job.StepRunId = null;
        job.ClaimedBy = null;
        Log(job, JobLogLevel.Error, $"op {op.Name} trapped: {error}; waiting for retry, skip or abort"
            + (job.Trap.Deadline is { } deadline ? $" until {deadline:O} (then {op.TrapTimeoutAction.ToString().ToLowerInvariant()})" : ""));
        await MoveToAsync(context, Trapped);
        if (job.Trap.Deadline is not null)
            await ArmTrapTimeoutAsync(context);
    }

    /// <summary>retry runs the op again, skip goes on after it, abort fails the step (rollback or POST).</summary>
    async Task ResolveTrapAsync(BehaviorContext<DeploymentJobState> context, string action)
    {
        var job = context.Saga;
        var trap = job.Trap!;
        job.Trap = null;
        await context.Publish(new DisarmJobTriggers
        {
            JobId = job.CorrelationId,
            Kinds = [JobTriggerKind.TrapTimeout],
            Tokens = new Dictionary<JobTriggerKind, int> { [JobTriggerKind.TrapTimeout] = job.TrapToken },
        });
        switch (action)
        {
            case "retry":
                await StartStepAsync(context, trap.Step, trap.OpIndex);
                break;
            case "skip":
                await StartStepAsync(context, trap.Step, trap.OpIndex + 1);
                break;
            default:
                job.Failed = true;
                job.LastError = $"op {trap.OpName} aborted after a trap: {trap.Error}";
                job.Step = trap.Step;
                await StepEndedAsync(context, trap.Step);
                break;
        }
    }

    static Rejection? CheckTrapResponse(DeploymentJobState job, RespondToTrap command) =>
        TrapAction(command) is "retry" or "skip" or "abort"
            ? null
            : new Rejection(RejectionCodes.InvalidField, $"action must be retry, skip or abort, not '{InputBounds.Clip(command.Action ?? "")}'.", "action");

    static string? TrapAction(RespondToTrap command) => command.Action?.Trim().ToLowerInvariant();

    async Task RespondToTrapAsync(BehaviorContext<DeploymentJobState, RespondToTrap> context)
    {
        var job = context.Saga;
        var action = TrapAction(context.Message)!;
        LogAction(job, context.Message, $"trap on op {job.Trap!.OpName}: {action}");
        await ResolveTrapAsync(context, action);
    }

    void PauseTrapTimeout(BehaviorContext<DeploymentJobState, PauseTrap> context)
    {
        var job = context.Saga;
        var trap = job.Trap!;
        trap.Remaining = trap.Deadline is { } deadline ? Max(deadline - _clock.GetUtcNow(), TimeSpan.Zero) : null;
        trap.Deadline = null;
        LogAction(job, context.Message, "trap time-out paused" + (trap.Remaining is { } left ? $" with {left:c} left" : ""));
    }

    static Task DisarmTrapTimeoutAsync(BehaviorContext<DeploymentJobState> context) =>
        context.Publish(new DisarmJobTriggers { JobId = context.Saga.CorrelationId, Kinds = [JobTriggerKind.TrapTimeout] });

    async Task ResumeTrapTimeoutAsync(BehaviorContext<DeploymentJobState, ResumeTrap> context)
    {
        var job = context.Saga;
        var trap = job.Trap!;
        LogAction(job, context.Message, "trap time-out resumed" + (trap.Remaining is { } left ? $" with {left:c} left" : ""));
        if (trap.Remaining is { } remaining)
        {
            trap.Deadline = _clock.GetUtcNow() + remaining;
            trap.Remaining = null;
            await ArmTrapTimeoutAsync(context);
        }
    }

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
