using JobMonitor.Service.Persistence;
using MassTransit;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Execution.Liveness;

/// <summary>
/// Runs in every instance, since the instance whose worker died cannot report it: every sweep reports the step runs
/// whose lease expired or was released to the saga with <see cref="StepRunAbandoned"/>.
/// <para>
/// A lease is judged only where the detector could have seen it renewed. The detector keeps the database time since
/// which it has reached the database without a break (no failed sweep, no gap between sweeps longer than
/// <see cref="ExecutionOptions.HeartbeatInterval"/> or twice the sweep interval, no sweep slower than that); a lease
/// expires when neither its last renewal, nor the start of that watch, nor the database's own start is within the
/// threshold. A database or broker outage of any length, or a stall, restarts the watch: the workers, which retry
/// their renewals all along, get a full threshold after it to renew. A released lease needs no watch.
/// </para>
/// </summary>
public sealed class AbendDetector(
    AbandonedStepRuns stepRuns,
    IBus bus,
    TimeProvider time,
    IOptions<AbendOptions> options,
    IOptions<ExecutionOptions> execution,
    ILogger<AbendDetector> logger) : PeriodicSweep(time, logger)
{
    // A report that cannot get out in time is rolled back and tried again on a later sweep.
    static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    DateTimeOffset? watchingSince;
    long lastContact;

    /// <summary>The longest break in contact with the database that still counts as an unbroken watch.</summary>
    TimeSpan LongestGap => execution.Value.HeartbeatInterval > 2 * options.Value.SweepInterval
        ? execution.Value.HeartbeatInterval
        : 2 * options.Value.SweepInterval;

    /// <summary>True once the detector has watched the leases for a whole threshold: expiries are judged.</summary>
    public bool Judging { get; private set; }

    protected override TimeSpan Interval => options.Value.SweepInterval;

    /// <summary>One sweep; returns how many step runs it reported.</summary>
    public override async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        if (watchingSince is not null && Time.GetElapsedTime(lastContact) > LongestGap)
            Lose("the last sweep was too long ago");
        LeaseSweep sweep;
        try
        {
            sweep = await stepRuns.SweepAsync(options.Value.Threshold, watchingSince, LongestGap, ReportAsync, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Lose(e.Message);
            throw;
        }
        if (sweep.Stalled)
        {
            Lose("the sweep stalled");
            return 0;
        }
        lastContact = Time.GetTimestamp();
        watchingSince ??= sweep.Began;
        Judging = sweep.Began - watchingSince >= options.Value.Threshold;
        return sweep.Reported;
    }

    void Lose(string why)
    {
        if (watchingSince is not null)
            Logger.LogWarning("Abend detector lost sight of the leases ({Why}); it judges none until it watched them for {Threshold}",
                why, options.Value.Threshold);
        watchingSince = null;
        Judging = false;
    }

    async Task ReportAsync(IReadOnlyList<AbandonedStepRun> abandoned)
    {
        using var timeout = new CancellationTokenSource(PublishTimeout);
        foreach (var run in abandoned)
        {
            Logger.LogWarning("Step run {StepRunId} of job {JobId} abandoned: worker {Worker} last renewed its lease at {LastHeartbeatAt:O}{Released}",
                run.StepRunId, run.JobId, run.Worker, run.LastHeartbeatAt, run.Released ? " and released it" : "");
            await bus.Publish(new StepRunAbandoned
            {
                JobId = run.JobId,
                StepRunId = run.StepRunId,
                Worker = run.Worker,
                LastHeartbeatAt = run.LastHeartbeatAt,
                Released = run.Released,
            }, timeout.Token);
        }
    }
}
