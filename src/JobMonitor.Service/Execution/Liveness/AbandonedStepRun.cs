namespace JobMonitor.Service.Execution.Liveness;

public sealed record AbandonedStepRun(Guid StepRunId, Guid JobId, string Worker, DateTimeOffset LastHeartbeatAt, bool Released);
