using JobMonitor.Service.Persistence;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Execution;

/// <summary>The heartbeat of a running step run: renews its lease and stops the step when the lease or the job is gone.</summary>
public sealed class LeaseHeartbeat(
    StepRunLeases leases, TimeProvider time, IOptions<ExecutionOptions> options, ILogger<LeaseHeartbeat> logger)
{
    string Worker => options.Value.WorkerName;

    /// <summary>
    /// Renews the lease every heartbeat interval. A lease taken away stops the step without a result; a job that moved
    /// on stops it too (the durable path of a cancel: the broadcast may have been lost). A failed renewal is no
    /// verdict: the abend detector does not judge a lease it could not have seen renewed.
    /// </summary>
    public async Task RunAsync(RunJobStep step, StepRunHandle handle, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                switch (await RenewOnceAsync(step.StepRunId, stop))
                {
                    case LeaseRenewal.Lost:
                        logger.LogWarning("Step run {StepRunId} of job {JobKey} lost its lease; stopping it", step.StepRunId, step.JobKey);
                        handle.Abandon($"worker {Worker} lost the lease of the step run");
                        return;
                    case LeaseRenewal.NotCurrent:
                        logger.LogInformation("Job {JobKey} moved on from step run {StepRunId}; stopping it", step.JobKey, step.StepRunId);
                        handle.Abandon("the job moved on");
                        return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            logger.LogDebug("Lease renewal of step run {StepRunId} stopped", step.StepRunId);
        }
    }

    async Task<LeaseRenewal?> RenewOnceAsync(Guid stepRunId, CancellationToken stop)
    {
        try
        {
            return await leases.RenewAsync(stepRunId, Worker, stop);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Lease renewal of step run {StepRunId} failed", stepRunId);
            return null;
        }
    }
}
