namespace JobMonitor.Contracts;

/// <summary>What every command sent to a job carries.</summary>
public abstract record JobCommand
{
    /// <summary>The job the command is for; for <see cref="CreateJob"/> the id the publisher chooses.</summary>
    public Guid JobId { get; init; }

    /// <summary>Unique per command; a command id seen before is acknowledged again, not applied twice.</summary>
    public Guid CommandId { get; init; }

    /// <summary>The user the command acts for; permissions are checked against this user.</summary>
    public string? RequestedBy { get; init; }

    /// <summary>When set, the command is rejected unless the job is still at this version.</summary>
    public int? ExpectedVersion { get; init; }

    /// <summary>Why the command was given; kept in the audit trail.</summary>
    public string? Comment { get; init; }
}
