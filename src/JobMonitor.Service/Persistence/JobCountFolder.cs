using Npgsql;

namespace JobMonitor.Service.Persistence;

/// <summary>Folds the job count changes every second, on every instance (one at a time), so they stay few to read.</summary>
public sealed class JobCountFolder(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<JobCountFolder> logger)
    : PeriodicDatabaseWork(clock, logger)
{
    // A failed fold loses nothing: the changes stay recorded and counts stay exact; the next turn folds them.
    protected override TimeSpan Interval => TimeSpan.FromSeconds(1);

    protected override string Doing => "Folding the job counts";

    protected override Task RunTurnAsync(CancellationToken cancellationToken) => JobCounts.FoldAsync(dataSource, cancellationToken);
}
