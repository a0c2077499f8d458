namespace JobMonitor.Service.Execution.Recovery;

/// <summary>The reconciler, section <c>Execution:Reconciler</c>.</summary>
public sealed class ReconcilerOptions
{
    public const string Section = "Execution:Reconciler";

    /// <summary>How often every instance looks for jobs whose next move is overdue.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How late a move must be before it is made again (step not leased since its dispatch, result not applied since
    /// the step finished, RUN gate or max start date passed), and how long before the same job is re-driven again.
    /// </summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Jobs re-driven per sweep at most.</summary>
    public int BatchSize { get; set; } = 200;
}
