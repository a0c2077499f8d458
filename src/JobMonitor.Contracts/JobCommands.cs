namespace JobMonitor.Contracts;

/// <summary>Runs a step (PRE, RUN or POST) and all steps after it again.</summary>
public sealed record RerunJob : JobCommand
{
    /// <summary>PRE, RUN or POST.</summary>
    public string? Step { get; init; }

    /// <summary>For RUN: start now instead of at scheduledAt.</summary>
    public bool RunNow { get; init; }
}

/// <summary>Cancels a job; running ops are stopped.</summary>
public sealed record CancelJob : JobCommand;

/// <summary>Approves a job waiting for approval.</summary>
public sealed record ApproveJob : JobCommand;

/// <summary>Rejects a job waiting for approval; the comment is kept with the job.</summary>
public sealed record RejectJob : JobCommand;

/// <summary>Sets a new RUN date (and max start date).</summary>
public sealed record RescheduleJob : JobCommand
{
    /// <summary>New RUN date, ISO 8601 with offset.</summary>
    public string? ScheduledAt { get; init; }

    /// <summary>New max start date; omitted means scheduledAt plus the expiry window.</summary>
    public string? MaxStartAt { get; init; }
}

/// <summary>Removes a job in a resting state from the monitor; the audit entry stays.</summary>
public sealed record DeleteJob : JobCommand;

/// <summary>Answers a trapped op.</summary>
public sealed record RespondToTrap : JobCommand
{
    /// <summary><c>retry</c>, <c>skip</c> or <c>abort</c>.</summary>
    public string? Action { get; init; }
}

/// <summary>Pauses a trap's time-out counter.</summary>
public sealed record PauseTrap : JobCommand;

/// <summary>Resumes a paused trap with the time it had left.</summary>
public sealed record ResumeTrap : JobCommand;
