using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Execution.Recovery;
using JobMonitor.Service.Telemetry;
using MassTransit;

namespace JobMonitor.Service.Jobs;

/// <summary>The reconciler's re-drives: each one happens only while the job still owes the move, and is logged and counted.</summary>
public sealed partial class DeploymentJobStateMachine
{
    async Task RecoverAsync(BehaviorContext<DeploymentJobState, RecoverJob> context)
    {
        var job = context.Saga;
        var message = context.Message;
        var now = _clock.GetUtcNow();
        var executing = job.Status() is JobStatus.Ready or JobStatus.Running or JobStatus.Rollback;
        switch (message.Kind)
        {
            case JobRecoveryKind.Dispatch when executing && job.StepRunId == message.StepRunId && job.ClaimedBy is null:
                Recovered(job, message.Kind, $"step {job.Step.Wire()} was not picked up by any worker; dispatched again");
                await DispatchStepAsync(context, CurrentStepRecord(job).Ops.Min(o => o.Index));
                break;
            case JobRecoveryKind.Result when executing && message.Result is { } result && job.StepRunId == result.StepRunId:
                Recovered(job, message.Kind, $"the result of step {job.Step.Wire()} never arrived; applied from the worker's record");
                await FinishStepAsync(context, result);
                break;
            case JobRecoveryKind.RunGate when job.Status() == JobStatus.Ready && WaitingAtRunGate(job) && now >= job.ScheduledAt:
                Recovered(job, message.Kind, "the RUN gate did not open at the scheduled date; opening it");
                await OpenRunGateAsync(context);
                break;
            case JobRecoveryKind.MaxStart when WaitingToStart(job) && now >= job.MaxStartAt:
                Recovered(job, message.Kind, "the max start date passed unnoticed; expiring the job");
                await StopStepRunAsync(context, "the job expired");
                await ExpireAsync(context, now);
                break;
        }
    }

    /// <summary>Expired only while RUN has not started: waiting in Ready (PRE not yet picked, or at the gate) or for approval.</summary>
    static bool WaitingToStart(DeploymentJobState job) =>
        (job.Status(), job.Step) is (JobStatus.WaitingForApproval, _) or (JobStatus.Ready, JobStep.Pre or JobStep.Run);

    void Recovered(DeploymentJobState job, JobRecoveryKind kind, string text)
    {
        Log(job, JobLogLevel.Warn, $"recovered: {text}");
        JobMonitorTelemetry.JobsRecovered.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString()));
    }
}
