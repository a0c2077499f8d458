using JobMonitor.Service.Persistence;
using Microsoft.Extensions.Options;

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
    : PeriodicDatabaseWork(clock, logger)
{
    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override string Doing => "Sweeping old command answers";

    protected override async Task RunTurnAsync(CancellationToken cancellationToken)
    {
        var removed = await statuses.DeleteRequestedBeforeAsync(Clock.GetUtcNow() - options.Value.Retention, cancellationToken);
        if (removed > 0)
            logger.LogInformation("Removed {Count} command answers older than {Retention}", removed, options.Value.Retention);
    }
}
