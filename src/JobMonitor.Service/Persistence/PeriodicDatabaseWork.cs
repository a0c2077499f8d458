using Npgsql;

namespace JobMonitor.Service.Persistence;

/// <summary>
/// Work every instance repeats against PostgreSQL (a fold, a sweep): one turn at start, then one per interval. A
/// database failure is logged and the next turn tries again; the work itself decides what one turn may take.
/// </summary>
public abstract class PeriodicDatabaseWork(TimeProvider clock, ILogger logger) : BackgroundService
{
    protected TimeProvider Clock => clock;

    protected abstract TimeSpan Interval { get; }

    /// <summary>What the work does, for the failure's log line ("Folding the job counts").</summary>
    protected abstract string Doing { get; }

    protected abstract Task RunTurnAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await RunTurnAsync(stoppingToken);
            }
            catch (NpgsqlException e)
            {
                logger.LogWarning(e, "{Doing} failed; trying again in {Interval}", Doing, Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
