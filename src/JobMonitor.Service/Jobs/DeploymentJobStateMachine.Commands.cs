using JobMonitor.Contracts;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs.Check;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Security;
using JobMonitor.Service.Telemetry;
using MassTransit;

namespace JobMonitor.Service.Jobs;

/// <summary>Operator commands: each is checked (repeat, permission, version, status), applied, audited and acknowledged.</summary>
public sealed partial class DeploymentJobStateMachine
{
    /// <summary>
    /// A command in the statuses that accept it: a repeat is acknowledged, then the sender's permission (SPEC §8, the
    /// same rules as the HTTP API), the expected version and <paramref name="check" /> (the step, the fields) are
    /// checked. Only then are the <paramref name="accepted" /> activities run, and the command is audited and answered.
    /// </summary>
    EventActivities<DeploymentJobState> Command<T>(Event<T> command, OperatorCommand action,
        Func<EventActivityBinder<DeploymentJobState, T>, EventActivityBinder<DeploymentJobState, T>> accepted,
        Func<DeploymentJobState, T, Rejection?>? check = null)
        where T : JobCommand =>
        When(command).IfElseAsync(c => AdmitAsync(c, action, check ?? NothingMore),
            admitted => accepted(admitted).ThenAsync(c => AcceptAsync(c, action)),
            refused => refused);

    /// <summary>
    /// Every status the constructor did not declare <paramref name="command" /> in answers it the same way: a repeat is
    /// acknowledged; otherwise it is refused, for the first reason in the order permission, expected version, status.
    /// </summary>
    void RefuseWhereUndeclared<T>(Event<T> command, OperatorCommand action) where T : JobCommand
    {
        var elsewhere = States.Where(s => s != Initial && s != Final && !NextEvents(s).Contains(command)).ToArray();
        During(elsewhere, When(command).ThenAsync(c => AdmitAsync(c, action, (job, _) => NotAllowedInStatus(job, action))));
    }

    /// <summary>
    /// Whether the command goes on. A rejected one changes nothing: the saga is left as loaded, so the repository skips
    /// the save and the version stays.
    /// </summary>
    async Task<bool> AdmitAsync<T>(BehaviorContext<DeploymentJobState, T> context, OperatorCommand action,
        Func<DeploymentJobState, T, Rejection?> check)
        where T : JobCommand
    {
        var job = context.Saga;
        var command = context.Message;
        JobTracing.TagCurrent(job);
        if (job.SeenCommands.Contains(command.CommandId))
        {
            CountAccepted(command, duplicate: true);
            await context.Publish(Accepted(job, command, duplicate: true, job.Version));
            return false;
        }
        var rejection = Check(job, command, action) ?? check(job, command);
        if (rejection is not null)
        {
            await RejectAsync(context, command, rejection);
            return false;
        }
        context.GetOrAddPayload(() => new AdmittedCommand(job.Status()));
        return true;
    }

    /// <summary>Records, audits and acknowledges a command whose activities ran.</summary>
    async Task AcceptAsync<T>(BehaviorContext<DeploymentJobState, T> context, OperatorCommand action) where T : JobCommand
    {
        var job = context.Saga;
        var command = context.Message;
        Remember(job, command.CommandId, command.GetType().Name);
        job.PendingAudit.Add(new AuditEntry
        {
            JobId = job.CorrelationId,
            JobKey = job.Key,
            CommandId = command.CommandId,
            Action = action.Wire(),
            User = User(command),
            Comment = command.Comment,
            FromStatus = context.GetPayload<AdmittedCommand>().FromStatus.Display(),
            ToStatus = job.CurrentState == Final.Name ? "Deleted" : job.Status().Display(),
            At = _clock.GetUtcNow(),
        });
        CountAccepted(command, duplicate: false);
        await context.Publish(Accepted(job, command, duplicate: false, job.Version + 1));
    }

    /// <summary>The status the job was in when its command was admitted, for the audit.</summary>
    sealed record AdmittedCommand(JobStatus FromStatus);

    /// <summary>The checks every command passes, in order: permission, expected version.</summary>
    Rejection? Check(DeploymentJobState job, JobCommand command, OperatorCommand action)
    {
        if (!_access.For(command.RequestedBy ?? "").MayAct(action, job.Project, job.Environment, JobAccess.ApproversOf(job)))
            return new Rejection(RejectionCodes.Forbidden,
                $"{User(command)} may not {action.Wire()} jobs of {job.Project}/{job.Environment}.", "requestedBy");
        if (command.ExpectedVersion is { } expected && expected != job.Version)
            return new Rejection(RejectionCodes.StaleVersion, $"the job is at version {job.Version}, not {expected}.", "expectedVersion");
        return null;
    }

    static Rejection? NothingMore<T>(DeploymentJobState job, T command) => null;

    static Rejection NotAllowedInStatus(DeploymentJobState job, OperatorCommand action) =>
        new(RejectionCodes.NotAllowedInStatus,
            $"{action.Wire()} is not allowed while the job is {job.Status().Display()} (step {job.Step.Wire()}).");

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
        Log(job, JobLogLevel.Comment, $"{what} by {User(command)}" + (string.IsNullOrWhiteSpace(command.Comment) ? "" : $": {command.Comment}"));

    async Task ApproveAsync(BehaviorContext<DeploymentJobState, ApproveJob> context)
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
    }

    void RecordRejection(BehaviorContext<DeploymentJobState, RejectJob> context)
    {
        var job = context.Saga;
        var now = _clock.GetUtcNow();
        job.Approvals.Add(new ApprovalRecord { Exec = job.Exec, User = User(context.Message), Decision = "rejected", Comment = context.Message.Comment, At = now });
        job.EndedAt = now;
        LogAction(job, context.Message, "rejected");
    }

    /// <summary>In Ready only before RUN started (PRE, or waiting at the RUN gate); the new dates must be valid.</summary>
    Rejection? CheckReschedule(DeploymentJobState job, RescheduleJob command) =>
        JobCommandRules.Allows(OperatorCommand.Reschedule, job.Status(), job.Step)
            ? NewDates(job, command, out _, out _)
            : NotAllowedInStatus(job, OperatorCommand.Reschedule);

    Rejection? NewDates(DeploymentJobState job, RescheduleJob command, out DateTimeOffset scheduledAt, out DateTimeOffset maxStartAt)
    {
        maxStartAt = default;
        if (!TryInstant(command.ScheduledAt, "scheduledAt", required: true, out scheduledAt, out var rejection)
            || !TryInstant(command.MaxStartAt, "maxStartAt", required: false, out maxStartAt, out rejection))
            return rejection;
        if (command.MaxStartAt is null)
            maxStartAt = scheduledAt + _options.ExpiryWindow(job.Type);
        return maxStartAt < scheduledAt
            ? new Rejection(RejectionCodes.InvalidField, $"maxStartAt {maxStartAt:O} is before scheduledAt {scheduledAt:O}.", "maxStartAt")
            : null;
    }

    async Task RescheduleAsync(BehaviorContext<DeploymentJobState, RescheduleJob> context)
    {
        var job = context.Saga;
        var command = context.Message;
        _ = NewDates(job, command, out var scheduledAt, out var newMax);
        job.ScheduledAt = scheduledAt;
        job.MaxStartAt = newMax;
        job.EndedAt = null;
        LogAction(job, command, $"rescheduled to {scheduledAt:O} (max start {newMax:O})");
        var status = job.Status();
        if (status == JobStatus.WaitingForApproval || (status == JobStatus.Ready && job.Step == JobStep.Pre))
        {
            if (status == JobStatus.WaitingForApproval)
                await ArmMaxStartAsync(context);
            await MoveToAsync(context, status == JobStatus.Ready ? Ready : WaitingForApproval);
            return;
        }
        // At the RUN gate, or Expired: wait for approval if it is still owed, else for the new date. A RUN dispatched
        // (by the saga or by the gate's trigger) that no report has shown started yet is told to stop.
        await StopStepRunAsync(context, "the job was rescheduled");
        if (ApprovalOwed(job))
        {
            await MoveToAsync(context, WaitingForApproval);
            await ArmMaxStartAsync(context);
        }
        else
            await OpenRunGateAsync(context);
    }

    static Rejection? CheckRerun(DeploymentJobState job, RerunJob command) =>
        JobSteps.FromWire(command.Step) is null
            ? new Rejection(RejectionCodes.InvalidField, $"step must be PRE, RUN or POST, not '{InputBounds.Clip(command.Step ?? "")}'.", "step")
            : null;

    async Task RerunAsync(BehaviorContext<DeploymentJobState, RerunJob> context)
    {
        var job = context.Saga;
        var command = context.Message;
        var step = JobSteps.FromWire(command.Step)!.Value;
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
        Log(job, JobLogLevel.Comment, $"restarted by {User(command)}, execution {job.Exec}, step {step.Wire()}"
            + (string.IsNullOrWhiteSpace(command.Comment) ? "" : $": {command.Comment}"));
        job.Progress = JobProgress.Of(job);
        await DisarmTriggersAsync(context);
        if (step == JobStep.Run)
            await OpenRunGateAsync(context);
        else
            await StartStepAsync(context, step);
    }

    async Task CancelAsync(BehaviorContext<DeploymentJobState, CancelJob> context)
    {
        var job = context.Saga;
        await StopStepRunAsync(context, $"canceled by {User(context.Message)}");
        job.Trap = null;
        job.EndedAt = _clock.GetUtcNow();
        LogAction(job, context.Message, "canceled");
    }

    async Task DeleteAsync(BehaviorContext<DeploymentJobState, DeleteJob> context)
    {
        await StopStepRunAsync(context, $"deleted by {User(context.Message)}");
        await DisarmTriggersAsync(context);
    }

    /// <summary>A command for a job id the service does not know: rejected, nothing created.</summary>
    static Task RejectMissingAsync<T>(ConsumeContext<T> context) where T : JobCommand =>
        RejectAsync(context, context.Message, new Rejection(RejectionCodes.JobNotFound, $"no job {context.Message.JobId}.", "jobId"));

    /// <summary>Withdraws the current step run's claim and tells the worker running it (if any) to stop.</summary>
    static async Task StopStepRunAsync(BehaviorContext<DeploymentJobState> context, string reason)
    {
        var job = context.Saga;
        // At the RUN gate, the prepared RUN may have been dispatched by its trigger already.
        var gateRun = job.WaitingGateRun;
        job.GateStepRunId = null;
        if ((job.StepRunId ?? gateRun) is not { } stepRunId)
            return;
        var record = job.Steps.LastOrDefault(s => s.StepRunId == stepRunId);
        if (record is not null && record.EndedAt is null)
            record.Outcome = record.StartedAt is null ? OpOutcome.Skipped : OpOutcome.Error;
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
}
