using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Scheduling;
using MassTransit;

namespace JobMonitor.Service.Jobs;

/// <summary>Where an execution waits or stops: the RUN gate, the max start date, the end.</summary>
public sealed partial class DeploymentJobStateMachine
{
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
        job.GateStepRunId = NewId.NextGuid();
        job.ClaimedBy = null;
        job.EndedAt = null;
        Log(job, JobLogLevel.Info, $"RUN waits for its scheduled date {job.ScheduledAt:O}");
        await MoveToAsync(context, Ready);
        await ArmMaxStartAsync(context);
        await ArmRunGateAsync(context);
    }

    /// <summary>
    /// The RUN gate's trigger fired. It dispatched the RUN prepared at the gate itself (it does so only by the max start
    /// date), or it left the dispatch to the saga (a RUN without ops, a trigger armed before triggers dispatched).
    /// </summary>
    Task RunGateFiredAsync(BehaviorContext<DeploymentJobState, JobTriggerFired> context) =>
        context.Message.DispatchedStepRunId is { } dispatched && dispatched == context.Saga.WaitingGateRun
            ? StartStepAsync(context, JobStep.Run, dispatched: true)
            : OpenRunGateAsync(context);

    /// <summary>What the RUN gate's trigger dispatches when it fires; null when RUN has no op to run.</summary>
    static PreparedRun? PreparedRunOf(DeploymentJobState job) =>
        job.WaitingGateRun is { } stepRunId && job.Pipeline.Run.Count > 0
            ? new PreparedRun
            {
                Step = StepMessage(job, JobStep.Run, stepRunId, firstOp: 0),
                Project = job.Project,
                Environment = job.Environment,
                NotAfter = job.MaxStartAt,
            }
            : null;

    async Task EndAsync(BehaviorContext<DeploymentJobState> context)
    {
        var job = context.Saga;
        job.Step = JobStep.End;
        job.StepRunId = null;
        job.ClaimedBy = null;
        job.EndedAt = _clock.GetUtcNow();
        job.Progress = 1;
        Log(job, job.Failed ? JobLogLevel.Error : JobLogLevel.Info, job.Failed ? $"job ended in Error: {job.LastError}" : "job finished");
        await MoveToAsync(context, job.Failed ? Error : Finished);
        await DisarmTriggersAsync(context);
    }

    async Task ExpireAsync(BehaviorContext<DeploymentJobState> context, DateTimeOffset now)
    {
        RecordExpiry(context.Saga, now);
        await MoveToAsync(context, Expired);
        await DisarmTriggersAsync(context);
    }

    void RecordExpiry(DeploymentJobState job, DateTimeOffset now)
    {
        job.StepRunId = null;
        job.ClaimedBy = null;
        job.EndedAt = now;
        Log(job, JobLogLevel.Warn, job.ScheduledAt > job.MaxStartAt
            ? $"expired: scheduled date {job.ScheduledAt:O} is after the max start date {job.MaxStartAt:O}"
            : $"expired: RUN had not started by the max start date {job.MaxStartAt:O}");
    }

    static bool WaitingAtRunGate(DeploymentJobState job) => job.Step == JobStep.Run && job.StepRunId is null;
}
