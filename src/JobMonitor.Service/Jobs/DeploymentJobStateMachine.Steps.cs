using JobMonitor.Contracts;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Telemetry;
using MassTransit;

namespace JobMonitor.Service.Jobs;

/// <summary>Handing out step runs, recording their results and moving through PRE → RUN → POST, or into rollback.</summary>
public sealed partial class DeploymentJobStateMachine
{
    /// <summary>
    /// A worker holds the lease on the current step run (the claim itself is in step_runs): the job is Running. Once
    /// per step run, whether the start message or a result tells it first; the step started when the worker says.
    /// </summary>
    async Task StartedAsync(BehaviorContext<DeploymentJobState> context, Guid stepRunId, string? worker, DateTimeOffset? startedAt)
    {
        var job = context.Saga;
        await OpenGateForReportAsync(context, stepRunId);
        if (job.StepRunId != stepRunId || job.ClaimedBy is not null)
            return;

        var now = startedAt ?? _clock.GetUtcNow();
        job.ClaimedBy = worker ?? "a worker";
        job.StartedAt ??= now;
        var record = CurrentStepRecord(job);
        record.StartedAt = now;
        record.Outcome = OpOutcome.Running;
        Log(job, JobLogLevel.Info, $"step {job.Step.Wire()} started on {job.ClaimedBy}" + RunLateness(job, now));
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
        await OpenGateForReportAsync(context, context.Message.StepRunId);
        if (job.StepRunId != context.Message.StepRunId)
            return;
        await StartedAsync(context, context.Message.StepRunId, context.Message.Worker, context.Message.StartedAt);
        await RecordOpsAsync(context, [context.Message.Op]);
    }

    async Task FinishStepAsync<T>(BehaviorContext<DeploymentJobState, T> context, StepRunFinished message)
        where T : class
    {
        var job = context.Saga;
        await OpenGateForReportAsync(context, message.StepRunId);
        if (job.StepRunId != message.StepRunId)
            return;

        await StartedAsync(context, message.StepRunId, message.Worker, message.StartedAt);
        await RecordOpsAsync(context, message.Ops);
        var now = _clock.GetUtcNow();
        var record = CurrentStepRecord(job);
        record.EndedAt = now;
        record.Outcome = message.TrappedOp is not null ? OpOutcome.Trapped
            : !message.Succeeded ? OpOutcome.Error
            : record.Ops.Any(o => o.Outcome == OpOutcome.Warning) ? OpOutcome.Warning : OpOutcome.Success;
        if (!message.Succeeded && message.TrappedOp is null)
        {
            job.Failed = true;
            job.LastError = message.Error;
        }
        Log(job, message.Succeeded ? JobLogLevel.Info : JobLogLevel.Error,
            $"step {job.Step.Wire()} ended: {record.Outcome.Wire()}" + (message.Error is null ? "" : $" ({message.Error})"));

        await context.Publish(new JobStepFinished
        {
            JobId = job.CorrelationId,
            Key = job.Key,
            Step = job.Step.Wire(),
            Exec = job.Exec,
            StepRunId = message.StepRunId,
            Outcome = record.Outcome.Wire(),
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
                Log(job, JobLogLevel.Info, "waiting for approval");
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

    /// <param name="dispatched">The RUN gate's trigger dispatched the prepared step run already.</param>
    async Task StartStepAsync(BehaviorContext<DeploymentJobState> context, JobStep step, int firstOp = 0, bool dispatched = false)
    {
        var job = context.Saga;
        var ops = job.Pipeline.OpsOf(step);
        // RUN from its gate is the step run prepared there, which its trigger may have dispatched: one id for both.
        var prepared = step == JobStep.Run && firstOp == 0 ? job.WaitingGateRun : null;
        job.GateStepRunId = null;
        job.Step = step;
        if (firstOp >= ops.Count)
        {
            // Nothing (left) to run: the step is recorded as skipped and the job moves on at once.
            job.Steps.Add(new StepRecord { Exec = job.Exec, Step = step, Outcome = OpOutcome.Skipped });
            await StepEndedAsync(context, step);
            return;
        }

        job.StepRunId = prepared ?? NewId.NextGuid();
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
        if (!(dispatched && prepared is not null))
            await DispatchStepAsync(context, firstOp);
    }

    /// <summary>
    /// The RUN dispatched by its gate's trigger may report (its start, its result, its abend) before the trigger's own
    /// message reaches the saga: the report opens the gate, and is then applied as usual.
    /// </summary>
    async Task OpenGateForReportAsync(BehaviorContext<DeploymentJobState> context, Guid stepRunId)
    {
        if (context.Saga.WaitingGateRun == stepRunId)
            await StartStepAsync(context, JobStep.Run, dispatched: true);
    }

    /// <summary>Hands the current step run to the workers' queue; any worker may take its lease.</summary>
    static async Task DispatchStepAsync(BehaviorContext<DeploymentJobState> context, int firstOp)
    {
        var job = context.Saga;
        await context.Publish(StepMessage(job, job.Step, job.StepRunId!.Value, firstOp),
            send => StepDispatch.Label(send, job.Step, job.Project, job.Environment));
    }

    static RunJobStep StepMessage(DeploymentJobState job, JobStep step, Guid stepRunId, int firstOp) => new()
    {
        JobId = job.CorrelationId,
        JobKey = job.Key,
        StepRunId = stepRunId,
        Exec = job.Exec,
        Step = step,
        Ops = job.Pipeline.OpsOf(step),
        FirstOp = firstOp,
        TraceParent = job.TraceParent,
    };

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
            op.Outcome = OpOutcomes.Parse(result.Outcome);
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

    static StepRecord CurrentStepRecord(DeploymentJobState job) =>
        job.Steps.Last(s => s.StepRunId == job.StepRunId);

    static string RunLateness(DeploymentJobState job, DateTimeOffset now) =>
        job.Step == JobStep.Run ? $"; {(now - job.ScheduledAt).TotalMilliseconds:F0} ms after its scheduled date" : "";

    /// <summary>The lease of the running step expired (its worker died) or was released (drain time-out): Abend, and POST does not run.</summary>
    void RecordAbend(BehaviorContext<DeploymentJobState, StepRunAbandoned> context)
    {
        var job = context.Saga;
        var message = context.Message;
        var now = _clock.GetUtcNow();
        var record = CurrentStepRecord(job);
        record.EndedAt = now;
        record.Outcome = OpOutcome.Error;
        foreach (var op in record.Ops.Where(o => o.EndedAt is null && o.StartedAt is null))
            op.Outcome = OpOutcome.Skipped;
        job.StepRunId = null;
        job.ClaimedBy = null;
        job.EndedAt = now;
        job.LastError = message.Released
            ? $"worker {message.Worker} shut down before the step ended and released it"
            : $"worker {message.Worker} stopped heartbeating at {message.LastHeartbeatAt:O}";
        Log(job, JobLogLevel.Error, $"abend: {job.LastError}");
        JobMonitorTelemetry.Abends.Add(1, new KeyValuePair<string, object?>(JobTags.Step, job.Step.Wire()));
    }
}
