using JobMonitor.Service.Execution;
using JobMonitor.Service.Scheduling;
using JobMonitor.Service.Telemetry;
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
                Log(job, "warn", $"trap on op {trap.OpName} timed out: {action}");
                await ResolveTrapAsync(context, action);
                break;
        }
    }

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
        Log(job, "error", $"op {op.Name} trapped: {error}; waiting for retry, skip or abort"
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

    /// <summary>The lease of the running step expired (its worker died) or was released (drain time-out): Abend, and POST does not run.</summary>
    async Task AbandonAsync(BehaviorContext<DeploymentJobState, StepRunAbandoned> context)
    {
        var job = context.Saga;
        var message = context.Message;
        if (job.StepRunId != message.StepRunId)
            return;
        var now = _clock.GetUtcNow();
        var record = CurrentStepRecord(job);
        record.EndedAt = now;
        record.Outcome = "error";
        foreach (var op in record.Ops.Where(o => o.EndedAt is null && o.StartedAt is null))
            op.Outcome = "skipped";
        job.StepRunId = null;
        job.ClaimedBy = null;
        job.EndedAt = now;
        job.LastError = message.Released
            ? $"worker {message.Worker} shut down before the step ended and released it"
            : $"worker {message.Worker} stopped heartbeating at {message.LastHeartbeatAt:O}";
        Log(job, "error", $"abend: {job.LastError}");
        JobMonitorTelemetry.Abends.Add(1, new KeyValuePair<string, object?>(JobTags.Step, job.Step.Wire()));
        await MoveToAsync(context, Abend);
        await DisarmTriggersAsync(context);
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
