using MassTransit;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Execution.Liveness;

/// <summary>
/// Runs in every instance, since the instance whose worker died cannot report it: every sweep reports the step runs
/// that stopped heartbeating to the saga with <see cref="StepRunAbandoned"/>.
/// </summary>
public sealed class AbendDetector(
    AbandonedStepRuns stepRuns, IBus bus, IOptions<AbendOptions> options, ILogger<AbendDetector> logger) : BackgroundService
{
    // A report that cannot get out in time is rolled back and tried again on a later sweep.
    static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    /// <summary>One sweep; returns how many step runs it reported.</summary>
    public Task<int> SweepAsync(CancellationToken cancellationToken) =>
        stepRuns.SweepAsync(options.Value.Threshold, ReportAsync, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await SweepSafelyAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogDebug("Abend detector stopped");
        }
    }

    async Task SweepSafelyAsync(CancellationToken stoppingToken)
    {
        try
        {
            await SweepAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // The marks were rolled back: the next sweep finds the same step runs.
            logger.LogWarning(e, "Abend sweep failed; retrying in {SweepInterval}", options.Value.SweepInterval);
        }
    }

    async Task ReportAsync(IReadOnlyList<AbandonedStepRun> abandoned)
    {
        using var timeout = new CancellationTokenSource(PublishTimeout);
        foreach (var run in abandoned)
        {
            logger.LogWarning("Step run {StepRunId} of job {JobId} abandoned: worker {Worker} last heartbeat at {LastHeartbeatAt:O}",
                run.StepRunId, run.JobId, run.Worker, run.LastHeartbeatAt);
            await bus.Publish(new StepRunAbandoned
            {
                JobId = run.JobId,
                StepRunId = run.StepRunId,
                Worker = run.Worker,
                LastHeartbeatAt = run.LastHeartbeatAt,
            }, timeout.Token);
        }
    }
}
