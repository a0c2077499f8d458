using JobMonitor.Service.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Execution.Recovery;

/// <summary>
/// Runs in every instance: jobs whose next move is overdue (a step never leased, a stored result never applied, a
/// RUN gate or max start date passed without its trigger) get <see cref="RecoverJob"/>; the saga makes the move again
/// if it is still owed, logs it on the job and counts it in jobmonitor.jobs.recovered.
/// </summary>
public sealed class JobReconciler(
    OverdueJobs overdue,
    IBus bus,
    TimeProvider time,
    IOptions<ReconcilerOptions> options,
    ILogger<JobReconciler> logger) : PeriodicSweep(time, logger)
{
    // A re-drive that cannot get out in time is rolled back and tried again on a later sweep.
    static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    protected override TimeSpan Interval => options.Value.Interval;

    public override Task<int> SweepAsync(CancellationToken cancellationToken) =>
        overdue.SweepAsync(options.Value.Grace, options.Value.BatchSize, RedriveAsync, cancellationToken);

    async Task RedriveAsync(IReadOnlyList<OverdueMove> moves)
    {
        using var timeout = new CancellationTokenSource(PublishTimeout);
        foreach (var (job, traceParent) in moves)
        {
            Logger.LogWarning("Job {JobId}: {Kind} overdue; asking the saga to move it again", job.JobId, job.Kind);
            // In the job's trace, as the trigger it stands in for would be: the move it causes hangs under it.
            using var span = JobTracing.StartRecovery(job.JobId, job.Kind, traceParent);
            await bus.Publish(job, timeout.Token);
        }
    }
}
