using Npgsql;

namespace JobMonitor.Service.Persistence;

/// <summary>Folds the job count changes every second, on every instance (one at a time), so they stay few to read.</summary>
public sealed class JobCountFolder(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<JobCountFolder> logger) : BackgroundService
{
    static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await JobCounts.FoldAsync(dataSource, stoppingToken);
            }
            catch (NpgsqlException e)
            {
                // The changes stay recorded and counts stay exact; the next turn folds them.
                logger.LogWarning(e, "Folding the job counts failed; retrying in {Interval}", Interval);
            }
        }
    }
}
