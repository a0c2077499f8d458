namespace JobMonitor.Service.Jobs;

/// <summary>CHECK → saga: a create command passed validation and got its key; open the job.</summary>
public sealed record OpenJob
{
    public required Guid JobId { get; init; }
    public required Guid CommandId { get; init; }
    public required string Key { get; init; }
    public string? RequestedBy { get; init; }
    public required JobDefinition Definition { get; init; }
    public string? TraceParent { get; init; }
}
