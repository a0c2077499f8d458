namespace JobMonitor.Service.Jobs;

/// <summary>
/// Status names. The saga stores the state name (no spaces); people and the wire see the display name of the spec.
/// </summary>
public static class JobStatus
{
    public const string Ready = nameof(Ready);
    public const string Running = nameof(Running);
    public const string WaitingForApproval = nameof(WaitingForApproval);
    public const string Rejected = nameof(Rejected);
    public const string Expired = nameof(Expired);
    public const string Abend = nameof(Abend);
    public const string Rollback = nameof(Rollback);
    public const string Finished = nameof(Finished);
    public const string Error = nameof(Error);
    public const string Canceled = nameof(Canceled);
    public const string Trapped = nameof(Trapped);
    public const string TrapPaused = nameof(TrapPaused);

    public static IReadOnlyList<string> All { get; } =
        [Ready, Running, WaitingForApproval, Rejected, Expired, Abend, Rollback, Finished, Error, Canceled, Trapped, TrapPaused];

    public static string Display(string state) => state switch
    {
        WaitingForApproval => "Waiting for Approval",
        TrapPaused => "Trap Paused",
        _ => state,
    };

    /// <summary>Accepts a state name or a display name ("Waiting for Approval"), case-insensitively.</summary>
    public static string? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var compact = text.Replace(" ", "", StringComparison.Ordinal);
        return All.FirstOrDefault(s => string.Equals(s, compact, StringComparison.OrdinalIgnoreCase));
    }
}
