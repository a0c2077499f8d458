using Microsoft.Extensions.Options;
using Npgsql;

namespace JobMonitor.Service.Monitor;

/// <summary><c>Monitor:CommandStatus</c>: how long a command's answer stays readable at /api/commands/{id}.</summary>
public sealed class CommandStatusOptions
{
    public const string Section = "Monitor:CommandStatus";

    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>Deletes command answers older than the retention, so jobmonitor.command_status stays bounded.</summary>
public sealed class CommandStatusSweeper(
    CommandStatusStore statuses, IOptions<CommandStatusOptions> options, TimeProvider clock, ILogger<CommandStatusSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        do
        {
            try
            {
                var removed = await statuses.DeleteRequestedBeforeAsync(clock.GetUtcNow() - options.Value.Retention, stoppingToken);
                if (removed > 0)
                    logger.LogInformation("Removed {Count} command answers older than {Retention}", removed, options.Value.Retention);
            }
            catch (NpgsqlException e)
            {
                logger.LogWarning(e, "Sweeping old command answers failed; trying again in {Interval}", options.Value.SweepInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
