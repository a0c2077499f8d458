namespace JobMonitor.Service.Execution.Dispatch;

/// <summary>Section <c>Execution:Dispatch</c>.</summary>
public sealed class DispatchOptions
{
    public const string Section = "Execution:Dispatch";

    /// <summary>How long a dispatch op waits for its agent when the op sets no time-out.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Agent queues that only jobs of some scopes may dispatch to: queue name → <c>project/environment</c> patterns.</summary>
    public Dictionary<string, List<string>> QueueScopes { get; set; } = [];
}
