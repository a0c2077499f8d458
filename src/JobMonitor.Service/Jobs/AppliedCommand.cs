namespace JobMonitor.Service.Jobs;

/// <summary>A command id applied to a job: which job, which command, when.</summary>
public sealed record AppliedCommand(Guid CommandId, Guid JobId, string Command, DateTimeOffset At);
