namespace JobMonitor.Service.Execution.Liveness;

/// <summary>Abend detection, section <c>Execution:Abend</c>.</summary>
public sealed class AbendOptions
{
    public const string Section = "Execution:Abend";

    /// <summary>
    /// The lease: a step run whose last renewal is older than this (database clock), while the detector watched it
    /// without a break, is reported abandoned.
    /// </summary>
    public TimeSpan Threshold { get; set; } = TimeSpan.FromSeconds(12);

    /// <summary>How often every instance looks for abandoned step runs.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(2);
}
