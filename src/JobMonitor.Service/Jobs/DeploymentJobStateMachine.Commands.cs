using JobMonitor.Contracts;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Jobs.Check;
using JobMonitor.Service.Scheduling;
using JobMonitor.Service.Security;
using JobMonitor.Service.Telemetry;
using MassTransit;

namespace JobMonitor.Service.Jobs;

/// <summary>Operator commands: each is checked (repeat, permission, version, status), applied, audited and acknowledged.</summary>
public sealed partial class DeploymentJobStateMachine
{
    /// <summary>
    /// The common path of every command: a repeat is acknowledged, then the sender's permission (SPEC §8, the same
    /// rules as the HTTP API), the expected version and the status are checked. A rejected command changes nothing:
    /// the saga is left as loaded, so the repository skips the save and the version stays.
    /// </summary>
    async Task HandleAsync<T>(BehaviorContext<DeploymentJobState, T> context, string action,
        Func<BehaviorContext<DeploymentJobState, T>, Task<Rejection?>> apply)
        where T : JobCommand
    {
        var job = context.Saga;
        var command = context.Message;
        JobTracing.TagCurrent(job);
        if (job.SeenCommands.Contains(command.CommandId))
        {
            CountAccepted(command, duplicate: true);
            await context.Publish(Accepted(job, command, duplicate: true, job.Version));
            return;
        }
        var rejection = Check(job, command, action);
        var from = job.CurrentState;
        rejection ??= await apply(context);
        if (rejection is not null)
        {
            await RejectAsync(context, command, rejection);
            return;
        }

        Remember(job, command.CommandId, command.GetType().Name);
        job.PendingAudit.Add(new AuditEntry
        {
            JobId = job.CorrelationId,
            JobKey = job.Key,
            CommandId = command.CommandId,
            Action = action,
            User = User(command),
            Comment = command.Comment,
            FromStatus = JobStatus.Display(from),
            ToStatus = job.CurrentState == Final.Name ? "Deleted" : JobStatus.Display(job.CurrentState),
            At = _clock.GetUtcNow(),
        });
        CountAccepted(command, duplicate: false);
        await context.Publish(Accepted(job, command, duplicate: false, job.Version + 1));
    }

    /// <summary>The first reason to refuse the command, in the order: permission, expected version, status.</summary>
    Rejection? Check(DeploymentJobState job, JobCommand command, string action)
    {
        if (!_access.For(command.RequestedBy ?? "").MayAct(action, job.Project, job.Environment, JobAccess.ApproversOf(job)))
            return new Rejection(RejectionCodes.Forbidden,
                $"{User(command)} may not {action} jobs of {job.Project}/{job.Environment}.", "requestedBy");
        if (command.ExpectedVersion is { } expected && expected != job.Version)
            return new Rejection(RejectionCodes.StaleVersion, $"the job is at version {job.Version}, not {expected}.", "expectedVersion");
        if (!JobCommandRules.Allows(action, job))
            return new Rejection(RejectionCodes.NotAllowedInStatus,
                $"{action} is not allowed while the job is {JobStatus.Display(job.CurrentState)} (step {job.Step.Wire()}).");
        return null;
    }

    internal static void CountAccepted(JobCommand command, bool duplicate) =>
        JobMonitorTelemetry.CommandsAccepted.Add(1, new(JobTags.Command, command.GetType().Name), new("duplicate", duplicate));

    internal static async Task RejectAsync(ConsumeContext context, JobCommand command, Rejection rejection)
    {
        var name = command.GetType().Name;
        JobMonitorTelemetry.CommandsRejected.Add(1, new(JobTags.Command, name), new(JobTags.Reason, rejection.Code));
        await context.Publish(new JobCommandRejected
        {
            JobId = command.JobId,
            CommandId = command.CommandId,
            Command = name,
            ReasonCode = rejection.Code,
            Message = rejection.Message,
            Field = rejection.Field,
            RequestedBy = command.RequestedBy,
        });
    }

    static JobCommandAccepted Accepted(DeploymentJobState job, JobCommand command, bool duplicate, int version) => new()
    {
        JobId = job.CorrelationId,
        CommandId = command.CommandId,
        Command = command.GetType().Name,
        Duplicate = duplicate,
        Version = version,
    };

    static string User(JobCommand command) => string.IsNullOrWhiteSpace(command.RequestedBy) ? "unknown" : command.RequestedBy;

    void LogAction(DeploymentJobState job, JobCommand command, string what) =>
        Log(job, "comment", $"{what} by {User(command)}" + (string.IsNullOrWhiteSpace(command.Comment) ? "" : $": {command.Comment}"));

    async Task<Rejection?> ApproveAsync(BehaviorContext<DeploymentJobState, ApproveJob> context)
    {
        var job = context.Saga;
        var now = _clock.GetUtcNow();
        job.Approvals.Add(new ApprovalRecord { Exec = job.Exec, User = User(context.Message), Decision = "approved", Comment = context.Message.Comment, At = now });
        job.ApprovedExec = job.Exec;
        LogAction(job, context.Message, "approved");
        if (now > job.MaxStartAt)
            await ExpireAsync(context, now);
        else
            await OpenRunGateAsync(context);
        return null;
    }

    async Task<Rejection?> RejectJobAsync(BehaviorContext<DeploymentJobState, RejectJob> context)
    {
        var job = context.Saga;
        var now = _clock.GetUtcNow();
        job.Approvals.Add(new ApprovalRecord { Exec = job.Exec, User = User(context.Message), Decision = "rejected", Comment = context.Message.Comment, At = now });
        job.EndedAt = now;
        LogAction(job, context.Message, "rejected");
        await MoveToAsync(context, Rejected);
        await DisarmTriggersAsync(context);
        return null;
    }

    async Task<Rejection?> RescheduleAsync(BehaviorContext<DeploymentJobState, RescheduleJob> context)
    {
        var job = context.Saga;
        var command = context.Message;
        if (!TryInstant(command.ScheduledAt, "scheduledAt", required: true, out var scheduledAt, out var rejection)
            || !TryInstant(command.MaxStartAt, "maxStartAt", required: false, out var maxStartAt, out rejection))
            return rejection;
        var newMax = command.MaxStartAt is null ? scheduledAt + _options.ExpiryWindow(job.Type) : maxStartAt;
        if (newMax < scheduledAt)
            return new Rejection(RejectionCodes.InvalidField, $"maxStartAt {newMax:O} is before scheduledAt {scheduledAt:O}.", "maxStartAt");

        job.ScheduledAt = scheduledAt;
        job.MaxStartAt = newMax;
        job.EndedAt = null;
        LogAction(job, command, $"rescheduled to {scheduledAt:O} (max start {newMax:O})");
        if (job.CurrentState == JobStatus.WaitingForApproval || (job.CurrentState == JobStatus.Ready && job.Step == JobStep.Pre))
        {
            if (job.CurrentState == JobStatus.WaitingForApproval)
                await ArmMaxStartAsync(context);
            await MoveToAsync(context, job.CurrentState == JobStatus.Ready ? Ready : WaitingForApproval);
            return null;
        }
        // At the RUN gate, or Expired: wait for approval if it is still owed, else for the new date.
        if (ApprovalOwed(job))
        {
            await MoveToAsync(context, WaitingForApproval);
            await ArmMaxStartAsync(context);
        }
        else
            await OpenRunGateAsync(context);
        return null;
    }

    async Task<Rejection?> RerunAsync(BehaviorContext<DeploymentJobState, RerunJob> context)
    {
        var job = context.Saga;
        var command = context.Message;
        if (JobSteps.FromWire(command.Step) is not { } step)
            return new Rejection(RejectionCodes.InvalidField, $"step must be PRE, RUN or POST, not '{InputBounds.Clip(command.Step ?? "")}'.", "step");

        var now = _clock.GetUtcNow();
        await StopStepRunAsync(context, "the job was restarted");
        job.Exec++;
        job.TraceParent = JobTracing.NewExecutionTrace(context, job.CorrelationId, job.Key, job.Exec);
        job.ExecStartStep = step;
        job.Failed = false;
        job.LastError = null;
        job.EndedAt = null;
        job.Trap = null;
        job.PendingRollback.Clear();
        if (step == JobStep.Run && (command.RunNow || job.ScheduledAt <= now))
        {
            job.ScheduledAt = now;
            job.MaxStartAt = now + _options.ExpiryWindow(job.Type);
        }
        if (step != JobStep.Pre)
            job.ApprovedExec = job.Exec;
        Log(job, "comment", $"restarted by {User(command)}, execution {job.Exec}, step {step.Wire()}"
            + (string.IsNullOrWhiteSpace(command.Comment) ? "" : $": {command.Comment}"));
        job.Progress = JobProgress.Of(job);
        await DisarmTriggersAsync(context);
        if (step == JobStep.Run)
            await OpenRunGateAsync(context);
        else
            await StartStepAsync(context, step);
        return null;
    }

    async Task<Rejection?> CancelAsync(BehaviorContext<DeploymentJobState, CancelJob> context)
    {
        var job = context.Saga;
        await StopStepRunAsync(context, $"canceled by {User(context.Message)}");
        job.Trap = null;
        job.EndedAt = _clock.GetUtcNow();
        LogAction(job, context.Message, "canceled");
        await MoveToAsync(context, Canceled);
        await DisarmTriggersAsync(context);
        return null;
    }

    async Task<Rejection?> DeleteAsync(BehaviorContext<DeploymentJobState, DeleteJob> context)
    {
        var job = context.Saga;
        await StopStepRunAsync(context, $"deleted by {User(context.Message)}");
        await DisarmTriggersAsync(context);
        // Final: the repository removes the row and purges the log; the audit entry stays.
        await context.TransitionToState(Final);
        return null;
    }

    async Task<Rejection?> RespondToTrapAsync(BehaviorContext<DeploymentJobState, RespondToTrap> context)
    {
        var job = context.Saga;
        var action = context.Message.Action?.Trim().ToLowerInvariant();
        if (action is not ("retry" or "skip" or "abort"))
            return new Rejection(RejectionCodes.InvalidField, $"action must be retry, skip or abort, not '{InputBounds.Clip(context.Message.Action ?? "")}'.", "action");
        LogAction(job, context.Message, $"trap on op {job.Trap!.OpName}: {action}");
        await ResolveTrapAsync(context, action);
        return null;
    }

    async Task<Rejection?> PauseTrapAsync(BehaviorContext<DeploymentJobState, PauseTrap> context)
    {
        var job = context.Saga;
        var trap = job.Trap!;
        trap.Remaining = trap.Deadline is { } deadline ? Max(deadline - _clock.GetUtcNow(), TimeSpan.Zero) : null;
        trap.Deadline = null;
        LogAction(job, context.Message, "trap time-out paused" + (trap.Remaining is { } left ? $" with {left:c} left" : ""));
        await MoveToAsync(context, TrapPaused);
        await context.Publish(new DisarmJobTriggers { JobId = job.CorrelationId, Kinds = [JobTriggerKind.TrapTimeout] });
        return null;
    }

    async Task<Rejection?> ResumeTrapAsync(BehaviorContext<DeploymentJobState, ResumeTrap> context)
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
        await MoveToAsync(context, Trapped);
        return null;
    }

    /// <summary>A command for a job id the service does not know: rejected, nothing created.</summary>
    static Task RejectMissingAsync<T>(ConsumeContext<T> context) where T : JobCommand =>
        RejectAsync(context, context.Message, new Rejection(RejectionCodes.JobNotFound, $"no job {context.Message.JobId}.", "jobId"));

    /// <summary>Withdraws the current step run's claim and tells the worker running it (if any) to stop.</summary>
    static async Task StopStepRunAsync(BehaviorContext<DeploymentJobState> context, string reason)
    {
        var job = context.Saga;
        if (job.StepRunId is not { } stepRunId)
            return;
        var record = job.Steps.LastOrDefault(s => s.StepRunId == stepRunId);
        if (record is not null && record.EndedAt is null)
            record.Outcome = record.StartedAt is null ? "skipped" : "error";
        job.StepRunId = null;
        job.ClaimedBy = null;
        await context.Publish(new StepRunCanceled { JobId = job.CorrelationId, StepRunId = stepRunId, Reason = reason });
    }

    bool TryInstant(string? text, string field, bool required, out DateTimeOffset instant, out Rejection? rejection)
    {
        instant = default;
        rejection = null;
        if (text is null)
        {
            if (required)
                rejection = new Rejection(RejectionCodes.MissingField, $"{field} is required.", field);
            return !required;
        }
        rejection = InputBounds.Instant(text, field, _clock.GetUtcNow(), _options.Limits, out instant);
        return rejection is null;
    }

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
