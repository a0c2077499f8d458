namespace JobMonitor.Service.Execution;

/// <summary>How an op ended, as <see cref="OpResult.Outcome"/> and the ledger store it.</summary>
public static class OpOutcomes
{
    public const string Success = "success";
    public const string Warning = "warning";
    public const string Error = "error";

    /// <summary>Failed with onError trap: the step stops there and the job waits for a person (retry, skip, abort).</summary>
    public const string Trapped = "trapped";

    /// <summary>Never ran: its step was skipped (nothing left to run) or ended before reaching it.</summary>
    public const string Skipped = "skipped";

    /// <summary>A step record whose worker has started it and not yet reported its end.</summary>
    public const string Running = "running";
}
