namespace JobMonitor.Contracts;

/// <summary>A job passed CHECK and exists.</summary>
public sealed record JobCreated
{
    /// <summary>The job.</summary>
    public required Guid JobId { get; init; }
    /// <summary>The create command.</summary>
    public required Guid CommandId { get; init; }
    /// <summary>Human name, e.g. <c>N.PROD-00000042</c>.</summary>
    public required string Key { get; init; }
    /// <summary>What is deployed.</summary>
    public required string Name { get; init; }
    /// <summary>Scope: project.</summary>
    public required string Project { get; init; }
    /// <summary>Scope: environment.</summary>
    public required string Environment { get; init; }
    /// <summary>When RUN is planned.</summary>
    public required DateTimeOffset ScheduledAt { get; init; }
    /// <summary>Latest RUN start.</summary>
    public required DateTimeOffset MaxStartAt { get; init; }
    /// <summary>Who created it.</summary>
    public string? CreatedBy { get; init; }
}

/// <summary>A job's status or step changed.</summary>
public sealed record JobStatusChanged
{
    /// <summary>The job.</summary>
    public required Guid JobId { get; init; }
    /// <summary>Its key.</summary>
    public required string Key { get; init; }
    /// <summary>Status before.</summary>
    public required string FromStatus { get; init; }
    /// <summary>Status now, e.g. <c>Running</c>, <c>Waiting for Approval</c>.</summary>
    public required string Status { get; init; }
    /// <summary>Step now: CHECK, INIT, PRE, RUN, POST or END.</summary>
    public required string Step { get; init; }
    /// <summary>Execution counter.</summary>
    public required int Exec { get; init; }
    /// <summary>Job version after the change.</summary>
    public required int Version { get; init; }
    /// <summary>When.</summary>
    public required DateTimeOffset At { get; init; }
}

/// <summary>A worker started a step of a job.</summary>
public sealed record JobStepStarted
{
    /// <summary>The job.</summary>
    public required Guid JobId { get; init; }
    /// <summary>Its key.</summary>
    public required string Key { get; init; }
    /// <summary>PRE, RUN or POST (or a rollback of PRE/RUN).</summary>
    public required string Step { get; init; }
    /// <summary>Execution counter.</summary>
    public required int Exec { get; init; }
    /// <summary>The step run claimed by the worker.</summary>
    public required Guid StepRunId { get; init; }
    /// <summary>When.</summary>
    public required DateTimeOffset StartedAt { get; init; }
}

/// <summary>A step of a job ended.</summary>
public sealed record JobStepFinished
{
    /// <summary>The job.</summary>
    public required Guid JobId { get; init; }
    /// <summary>Its key.</summary>
    public required string Key { get; init; }
    /// <summary>The step.</summary>
    public required string Step { get; init; }
    /// <summary>Execution counter.</summary>
    public required int Exec { get; init; }
    /// <summary>The step run.</summary>
    public required Guid StepRunId { get; init; }
    /// <summary><c>success</c>, <c>warning</c> or <c>error</c>.</summary>
    public required string Outcome { get; init; }
    /// <summary>When.</summary>
    public required DateTimeOffset EndedAt { get; init; }
    /// <summary>What went wrong, when it did.</summary>
    public string? Error { get; init; }
}

/// <summary>An op of a step ended.</summary>
public sealed record JobOpFinished
{
    /// <summary>The job.</summary>
    public required Guid JobId { get; init; }
    /// <summary>The step.</summary>
    public required string Step { get; init; }
    /// <summary>Execution counter.</summary>
    public required int Exec { get; init; }
    /// <summary>The step run.</summary>
    public required Guid StepRunId { get; init; }
    /// <summary>Position of the op in its step, from 0.</summary>
    public required int OpIndex { get; init; }
    /// <summary>The op's name.</summary>
    public required string OpName { get; init; }
    /// <summary><c>success</c>, <c>warning</c> (failed, ignored) or <c>error</c>.</summary>
    public required string Outcome { get; init; }
    /// <summary>When it started.</summary>
    public required DateTimeOffset StartedAt { get; init; }
    /// <summary>When it ended.</summary>
    public required DateTimeOffset EndedAt { get; init; }
    /// <summary>What went wrong, when it did.</summary>
    public string? Error { get; init; }
}

/// <summary>A command was refused; nothing changed.</summary>
public sealed record JobCommandRejected
{
    /// <summary>The job named by the command.</summary>
    public required Guid JobId { get; init; }
    /// <summary>The refused command.</summary>
    public required Guid CommandId { get; init; }
    /// <summary>Command type, e.g. <c>CreateJob</c>.</summary>
    public required string Command { get; init; }
    /// <summary>Machine-readable reason, e.g. <c>invalid_pipeline</c>, <c>not_allowed_in_status</c>.</summary>
    public required string ReasonCode { get; init; }
    /// <summary>What a person reads.</summary>
    public required string Message { get; init; }
    /// <summary>The field at fault, when there is one (JSON path such as <c>pipeline.pre[0].kind</c>).</summary>
    public string? Field { get; init; }
    /// <summary>Who sent it.</summary>
    public string? RequestedBy { get; init; }
}

/// <summary>A command was applied (or, for a repeated command id, acknowledged again).</summary>
public sealed record JobCommandAccepted
{
    /// <summary>The job.</summary>
    public required Guid JobId { get; init; }
    /// <summary>The command.</summary>
    public required Guid CommandId { get; init; }
    /// <summary>Command type.</summary>
    public required string Command { get; init; }
    /// <summary>True when the command id had been seen before and nothing was applied again.</summary>
    public bool Duplicate { get; init; }
    /// <summary>Job version after the command.</summary>
    public int Version { get; init; }
}
