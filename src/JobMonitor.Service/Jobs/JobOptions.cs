using System.ComponentModel.DataAnnotations;

namespace JobMonitor.Service.Jobs;

/// <summary>Section <c>Jobs</c>: expiry windows and the bounds CHECK enforces.</summary>
public sealed class JobOptions
{
    public ExpiryWindowOptions ExpiryWindows { get; set; } = new();
    public JobLimits Limits { get; set; } = new();

    /// <summary>How many recent command ids a job remembers to acknowledge repeats.</summary>
    [Range(1, 10_000)]
    public int RememberedCommands { get; set; } = 64;

    /// <summary>How long every applied command id is kept in jobmonitor.command_ids, so a late repeat is not applied again.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan CommandIdRetention { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan ExpiryWindow(JobType type) => type == JobType.Urgent ? ExpiryWindows.Urgent : ExpiryWindows.Normal;
}

public sealed class ExpiryWindowOptions
{
    public TimeSpan Normal { get; set; } = TimeSpan.FromHours(24);
    public TimeSpan Urgent { get; set; } = TimeSpan.FromHours(1);
}

public sealed class JobLimits
{
    [Range(1, 10_000)] public int NameLength { get; set; } = 200;
    [Range(1, 1_000)] public int ScopeLength { get; set; } = 64;
    [Range(1, 10_000)] public int OpsPerStep { get; set; } = 200;
    [Range(1, 100_000)] public int Revisions { get; set; } = 1_000;
    [Range(1, 1_000_000)] public int PathsPerRevision { get; set; } = 10_000;
    [Range(1, 1_000_000)] public int TextLength { get; set; } = 4_000;
    [Range(1, 10_000_000)] public int ParamLength { get; set; } = 64_000;
    [Range(1, 10_000)] public int ListItems { get; set; } = 200;

    /// <summary>How far from now, either way, a scheduledAt or maxStartAt may be.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")] public TimeSpan MaxScheduleAhead { get; set; } = TimeSpan.FromDays(366);

    /// <summary>Longest delay, op time-out or trap time-out a job may give; below the 49.7 days a .NET timer can wait.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "49.00:00:00")] public TimeSpan MaxDuration { get; set; } = TimeSpan.FromDays(30);
}
