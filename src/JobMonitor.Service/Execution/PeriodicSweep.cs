namespace JobMonitor.Service.Execution;

/// <summary>
/// A sweep every instance runs on a timer. A failed sweep is logged and tried again at the next tick: a sweep commits
/// nothing it could not finish, so the next one finds the same work.
/// </summary>
public abstract class PeriodicSweep(TimeProvider time, ILogger logger) : BackgroundService
{
    protected TimeProvider Time { get; } = time;
    protected ILogger Logger { get; } = logger;

    protected abstract TimeSpan Interval { get; }

    /// <summary>One sweep; returns how many things it found and handled.</summary>
    public abstract Task<int> SweepAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await SweepSafelyAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Logger.LogDebug("{Sweep} stopped", GetType().Name);
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
            Logger.LogWarning(e, "{Sweep} failed; retrying in {Interval}", GetType().Name, Interval);
        }
    }
}
