using JobMonitor.Contracts;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Jobs.Check;
using JobMonitor.Service.Scheduling;
using JobMonitor.Service.Telemetry;
using MassTransit;

namespace JobMonitor.Service.Jobs;

/// <summary>Opening a job, handing out step runs, recording their results and moving through PRE → RUN → POST → END.</summary>
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
        Log(job, "info", $"job {job.Key} created by {message.RequestedBy ?? "unknown"}; RUN scheduled at {job.ScheduledAt:O}, max start {job.MaxStartAt:O}");

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

    /// <summary>
    /// A worker holds the lease on the current step run (the claim itself is in step_runs): the job is Running. Once
    /// per step run, whether the start message or a result tells it first; the step started when the worker says.
    /// </summary>
    async Task StartedAsync(BehaviorContext<DeploymentJobState> context, Guid stepRunId, string? worker, DateTimeOffset? startedAt)
    {
        var job = context.Saga;
        if (job.StepRunId != stepRunId || job.ClaimedBy is not null)
            return;

        var now = startedAt ?? _clock.GetUtcNow();
        job.ClaimedBy = worker ?? "a worker";
        job.StartedAt ??= now;
        var record = CurrentStepRecord(job);
        record.StartedAt = now;
        record.Outcome = "running";
        Log(job, "info", $"step {job.Step.Wire()} started on {job.ClaimedBy}" + RunLateness(job, now));
        if (job.Step == JobStep.Run)
            JobMonitorTelemetry.RunLateness.Record((now - job.ScheduledAt).TotalMilliseconds);

        if (!IsRollback(job.Step))
            await MoveToAsync(context, Running);
        await context.Publish(new JobStepStarted
        {
            JobId = job.CorrelationId,
            Key = job.Key,
            Step = job.Step.Wire(),
            Exec = job.Exec,
            StepRunId = stepRunId,
            StartedAt = now,
        });
    }

    async Task RecordProgressAsync(BehaviorContext<DeploymentJobState, StepRunProgressed> context)
    {
        var job = context.Saga;
        if (job.StepRunId != context.Message.StepRunId)
            return;
        await StartedAsync(context, context.Message.StepRunId, context.Message.Worker, context.Message.StartedAt);
        await RecordOpsAsync(context, [context.Message.Op]);
    }

    async Task FinishStepAsync<T>(BehaviorContext<DeploymentJobState, T> context, StepRunFinished message)
        where T : class
    {
        var job = context.Saga;
        if (job.StepRunId != message.StepRunId)
            return;

        await StartedAsync(context, message.StepRunId, message.Worker, message.StartedAt);
        await RecordOpsAsync(context, message.Ops);
        var now = _clock.GetUtcNow();
        var record = CurrentStepRecord(job);
        record.EndedAt = now;
        record.Outcome = message.TrappedOp is not null ? "trapped"
            : !message.Succeeded ? "error"
            : record.Ops.Any(o => o.Outcome == "warning") ? "warning" : "success";
        if (!message.Succeeded && message.TrappedOp is null)
        {
            job.Failed = true;
            job.LastError = message.Error;
        }
        Log(job, message.Succeeded ? "info" : "error",
            $"step {job.Step.Wire()} ended: {record.Outcome}" + (message.Error is null ? "" : $" ({message.Error})"));

        await context.Publish(new JobStepFinished
        {
            JobId = job.CorrelationId,
            Key = job.Key,
            Step = job.Step.Wire(),
            Exec = job.Exec,
            StepRunId = message.StepRunId,
            Outcome = record.Outcome,
            EndedAt = now,
            Error = message.Error,
        });
        if (message.TrappedOp is { } trappedOp)
        {
            await TrapAsync(context, trappedOp, message.Error, now);
            return;
        }
        await StepEndedAsync(context, job.Step);
    }

    /// <summary>Moves past a step that ended (or had no ops).</summary>
    async Task StepEndedAsync(BehaviorContext<DeploymentJobState> context, JobStep step)
    {
        var job = context.Saga;
        job.StepRunId = null;
        job.ClaimedBy = null;
        if (step == JobStep.Pre)
            job.Natures = _natures.Classify(job.Revisions);
        if (job.Failed && step is JobStep.Pre or JobStep.Run && job.PendingRollback.Count == 0 && !IsRollback(step))
            job.PendingRollback.AddRange(RollbackSteps(job));

        switch (step)
        {
            case JobStep.Pre or JobStep.Run or JobStep.RollbackPre or JobStep.RollbackRun when job.PendingRollback.Count > 0:
                var next = job.PendingRollback[0];
                job.PendingRollback.RemoveAt(0);
                await StartStepAsync(context, next);
                break;
            case JobStep.Pre when !job.Failed && ApprovalOwed(job):
                Log(job, "info", "waiting for approval");
                await MoveToAsync(context, WaitingForApproval);
                await ArmMaxStartAsync(context);
                break;
            case JobStep.Pre when !job.Failed:
                await OpenRunGateAsync(context);
                break;
            case JobStep.Pre or JobStep.Run or JobStep.RollbackPre or JobStep.RollbackRun:
                await StartStepAsync(context, JobStep.Post);
                break;
            default:
                await EndAsync(context);
                break;
        }
    }

    /// <summary>The rollback steps owed after a failure: those whose step ran an op marked needsRollback, PRE first.</summary>
    static IEnumerable<JobStep> RollbackSteps(DeploymentJobState job)
    {
        foreach (var (step, rollback) in new[] { (JobStep.Pre, JobStep.RollbackPre), (JobStep.Run, JobStep.RollbackRun) })
        {
            var ops = job.Pipeline.OpsOf(step);
            var ran = job.Steps.Where(s => s.Exec == job.Exec && s.Step == step)
                .SelectMany(s => s.Ops)
                .Any(o => o.StartedAt is not null && o.Index < ops.Count && ops[o.Index].NeedsRollback);
            if (ran && job.Pipeline.OpsOf(rollback).Count > 0)
                yield return rollback;
        }
    }

    /// <summary>A PRE with approval ops asks for approval once per execution that ran PRE.</summary>
    static bool ApprovalOwed(DeploymentJobState job) =>
        job.Pipeline.Pre.Any(op => op.Kind == OpKind.Approval) && job.ApprovedExec != job.Exec;

    static bool IsRollback(JobStep step) => step is JobStep.RollbackPre or JobStep.RollbackRun;

    /// <summary>RUN starts at scheduledAt, never before, and not after maxStartAt.</summary>
    async Task OpenRunGateAsync(BehaviorContext<DeploymentJobState> context)
    {
        var job = context.Saga;
        var now = _clock.GetUtcNow();
        if (job.ScheduledAt > job.MaxStartAt || now > job.MaxStartAt)
        {
            await ExpireAsync(context, now);
            return;
        }
        if (now >= job.ScheduledAt)
        {
            await StartStepAsync(context, JobStep.Run);
            return;
        }

        job.Step = JobStep.Run;
        job.StepRunId = null;
        job.ClaimedBy = null;
        job.EndedAt = null;
        Log(job, "info", $"RUN waits for its scheduled date {job.ScheduledAt:O}");
        await MoveToAsync(context, Ready);
        await ArmMaxStartAsync(context);
        await ArmRunGateAsync(context);
    }

    async Task StartStepAsync(BehaviorContext<DeploymentJobState> context, JobStep step, int firstOp = 0)
    {
        var job = context.Saga;
        var ops = job.Pipeline.OpsOf(step);
        job.Step = step;
        if (firstOp >= ops.Count)
        {
            // Nothing (left) to run: the step is recorded as skipped and the job moves on at once.
            job.Steps.Add(new StepRecord { Exec = job.Exec, Step = step, Outcome = "skipped" });
            await StepEndedAsync(context, step);
            return;
        }

        job.StepRunId = NewId.NextGuid();
        job.ClaimedBy = null;
        job.Steps.Add(new StepRecord
        {
            Exec = job.Exec,
            Step = step,
            StepRunId = job.StepRunId.Value,
            Ops = ops.Select((op, i) => new OpRecord { Index = i, Name = op.Name, Kind = op.Kind.ToString().ToLowerInvariant() })
                .Where(op => op.Index >= firstOp)
                .ToList(),
        });
        await MoveToAsync(context, IsRollback(step) ? Rollback : Ready);
        await DispatchStepAsync(context, firstOp);
    }

    /// <summary>Hands the current step run to the workers' queue; any worker may take its lease.</summary>
    static async Task DispatchStepAsync(BehaviorContext<DeploymentJobState> context, int firstOp)
    {
        var job = context.Saga;
        var step = job.Step;
        await context.Publish(new RunJobStep
        {
            JobId = job.CorrelationId,
            JobKey = job.Key,
            StepRunId = job.StepRunId!.Value,
            Exec = job.Exec,
            Step = step,
            Ops = job.Pipeline.OpsOf(step),
            FirstOp = firstOp,
            TraceParent = job.TraceParent,
        }, send =>
        {
            send.Headers.Set(JobTracing.ProjectHeader, job.Project);
            send.Headers.Set(JobTracing.EnvironmentHeader, job.Environment);
            if (step == JobStep.Run)
                send.TrySetPriority(MessagePriorities.Timed);
        });
    }

    async Task EndAsync(BehaviorContext<DeploymentJobState> context)
    {
        var job = context.Saga;
        job.Step = JobStep.End;
        job.StepRunId = null;
        job.ClaimedBy = null;
        job.EndedAt = _clock.GetUtcNow();
        job.Progress = 1;
        Log(job, job.Failed ? "error" : "info", job.Failed ? $"job ended in Error: {job.LastError}" : "job finished");
        await MoveToAsync(context, job.Failed ? Error : Finished);
        await DisarmTriggersAsync(context);
    }

    async Task ExpireAsync(BehaviorContext<DeploymentJobState> context, DateTimeOffset now)
    {
        var job = context.Saga;
        job.StepRunId = null;
        job.ClaimedBy = null;
        job.EndedAt = now;
        Log(job, "warn", job.ScheduledAt > job.MaxStartAt
            ? $"expired: scheduled date {job.ScheduledAt:O} is after the max start date {job.MaxStartAt:O}"
            : $"expired: RUN had not started by the max start date {job.MaxStartAt:O}");
        await MoveToAsync(context, Expired);
        await DisarmTriggersAsync(context);
    }

    static async Task RecordOpsAsync<T>(BehaviorContext<DeploymentJobState, T> context, IReadOnlyList<OpResult> results)
        where T : class
    {
        var job = context.Saga;
        var record = CurrentStepRecord(job);
        foreach (var result in results)
        {
            var op = record.Ops.FirstOrDefault(o => o.Index == result.Index);
            if (op is null || op.EndedAt is not null)
                continue;
            op.Outcome = result.Outcome;
            op.StartedAt = result.StartedAt;
            op.EndedAt = result.EndedAt;
            op.Error = result.Error;
            await context.Publish(new JobOpFinished
            {
                JobId = job.CorrelationId,
                Step = record.Step.Wire(),
                Exec = job.Exec,
                StepRunId = record.StepRunId,
                OpIndex = result.Index,
                OpName = result.Name,
                Outcome = result.Outcome,
                StartedAt = result.StartedAt,
                EndedAt = result.EndedAt,
                Error = result.Error,
            });
        }
        job.Progress = JobProgress.Of(job);
    }

    async Task MoveToAsync(BehaviorContext<DeploymentJobState> context, State target)
    {
        var job = context.Saga;
        var from = job.CurrentState;
        JobTracing.TagCurrent(job);
        job.UpdatedAt = _clock.GetUtcNow();
        if (from != target.Name)
            await context.TransitionToState(target);
        await context.Publish(new JobStatusChanged
        {
            JobId = job.CorrelationId,
            Key = job.Key,
            FromStatus = JobStatus.Display(from),
            Status = JobStatus.Display(target.Name),
            Step = job.Step.Wire(),
            Exec = job.Exec,
            Version = job.Version + 1,
            At = job.UpdatedAt,
        });
    }

    static bool WaitingAtRunGate(DeploymentJobState job) => job.Step == JobStep.Run && job.StepRunId is null;

    static StepRecord CurrentStepRecord(DeploymentJobState job) =>
        job.Steps.Last(s => s.StepRunId == job.StepRunId);

    static string RunLateness(DeploymentJobState job, DateTimeOffset now) =>
        job.Step == JobStep.Run ? $"; {(now - job.ScheduledAt).TotalMilliseconds:F0} ms after its scheduled date" : "";

    /// <summary>The saga keeps the latest ids for a quick answer; jobmonitor.command_ids keeps them all for the retention.</summary>
    void Remember(DeploymentJobState job, Guid commandId, string command)
    {
        job.PendingCommands.Add(new AppliedCommand(commandId, job.CorrelationId, command, _clock.GetUtcNow()));
        job.SeenCommands.Add(commandId);
        if (job.SeenCommands.Count > _options.RememberedCommands)
            job.SeenCommands.RemoveAt(0);
    }

    void Log(DeploymentJobState job, string level, string text)
    {
        JobTracing.TagCurrent(job);
        job.PendingLog.Add(new JobLogEntry
        {
            JobId = job.CorrelationId,
            Exec = job.Exec,
            Step = job.Step.Wire(),
            Level = level,
            Text = text,
            At = _clock.GetUtcNow(),
            TraceId = JobTracing.TraceIdOf(job.TraceParent),
        });
    }
}
