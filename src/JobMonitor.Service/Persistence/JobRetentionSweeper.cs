using Hangfire;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JobMonitor.Service.Persistence;

/// <summary>
/// Purges the jobs ended longer than <c>Jobs:Retention</c> ago, every <c>Jobs:RetentionSweepInterval</c>, on every
/// instance (one at a time). A purged job's trigger still waiting in Hangfire is deleted there; Hangfire expires its
/// own finished records.
/// </summary>
public sealed class JobRetentionSweeper(
    NpgsqlDataSource dataSource, IBackgroundJobClient hangfire, IOptions<JobRetentionOptions> options, TimeProvider clock,
    ILogger<JobRetentionSweeper> logger)
    : PeriodicDatabaseWork(clock, logger)
{
    protected override TimeSpan Interval => options.Value.RetentionSweepInterval;

    protected override string Doing => "Purging the jobs past their retention";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Enabled ? base.ExecuteAsync(stoppingToken) : Task.CompletedTask;

    protected override async Task RunTurnAsync(CancellationToken cancellationToken)
    {
        var retention = options.Value.Retention;
        var purged = await JobRetention.SweepAsync(dataSource, Clock.GetUtcNow() - retention, options.Value.RetentionBatch, cancellationToken);
        foreach (var hangfireJob in purged.PendingHangfireJobs)
            hangfire.Delete(hangfireJob);
        if (purged.Jobs > 0)
            logger.LogInformation("Purged {Jobs} jobs ended more than {Retention} ago, with {Rows} rows of their log, runs and triggers; their audit stays",
                purged.Jobs, retention, purged.Rows);
    }
}
