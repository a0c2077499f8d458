namespace JobMonitor.Contracts;

/// <summary>A job passed CHECK and exists.</summary>
public sealed record JobCreated
{
    /// <summary>The job's id: the <c>jobId</c> its <see cref="CreateJob"/> chose, which every command for it carries.</summary>
    public required Guid JobId { get; init; }
    /// <summary>The <c>commandId</c> of the <see cref="CreateJob"/> that created it.</summary>
    public required Guid CommandId { get; init; }
    /// <summary>The job's key, e.g. <c>N.PROD-00000042</c>; the API and the web monitor take it in place of the id.</summary>
    public required string Key { get; init; }
    /// <summary>The create's <c>name</c>: what is deployed.</summary>
    public required string Name { get; init; }
    /// <summary>Project part of the job's permission scope.</summary>
    public required string Project { get; init; }
    /// <summary>Environment part of the job's permission scope.</summary>
    public required string Environment { get; init; }
    /// <summary>When RUN may start: the create's <c>scheduledAt</c>, or when it was created if it gave none.</summary>
    public required DateTimeOffset ScheduledAt { get; init; }
    /// <summary>Latest RUN start: a job still waiting to run then becomes Expired.</summary>
    public required DateTimeOffset MaxStartAt { get; init; }
    /// <summary>The create's <c>requestedBy</c>.</summary>
    public string? CreatedBy { get; init; }
}

/// <summary>A job's status or step changed.</summary>
public sealed record JobStatusChanged
{
    /// <summary>The job's id: the <c>jobId</c> its <see cref="CreateJob"/> chose, which every command for it carries.</summary>
    public required Guid JobId { get; init; }
    /// <summary>The job's key, e.g. <c>N.PROD-00000042</c>; the API and the web monitor take it in place of the id.</summary>
    public required string Key { get; init; }
    /// <summary>Status before the change (display name, like <see cref="Status"/>).</summary>
    public required string FromStatus { get; init; }
    /// <summary>Status now, e.g. <c>Running</c>, <c>Waiting for Approval</c>.</summary>
    public required string Status { get; init; }
    /// <summary>Step now: CHECK, INIT, PRE, RUN, POST or END.</summary>
    public required string Step { get; init; }
    /// <summary>The job's execution: 1, then one more per rerun.</summary>
    public required int Exec { get; init; }
    /// <summary>The job's version after this; a command's <c>expectedVersion</c> is compared with it.</summary>
    public required int Version { get; init; }
    /// <summary>When the job changed.</summary>
    public required DateTimeOffset At { get; init; }
}

/// <summary>A worker started a step of a job.</summary>
public sealed record JobStepStarted
{
    /// <summary>The job's id: the <c>jobId</c> its <see cref="CreateJob"/> chose, which every command for it carries.</summary>
    public required Guid JobId { get; init; }
    /// <summary>The job's key, e.g. <c>N.PROD-00000042</c>; the API and the web monitor take it in place of the id.</summary>
    public required string Key { get; init; }
    /// <summary>PRE, RUN or POST (or a rollback of PRE/RUN).</summary>
    public required string Step { get; init; }
    /// <summary>The job's execution: 1, then one more per rerun.</summary>
    public required int Exec { get; init; }
    /// <summary>The step run the worker took; its <see cref="JobStepFinished"/> and <see cref="JobOpFinished"/> events carry the same id.</summary>
    public required Guid StepRunId { get; init; }
    /// <summary>When the worker started the step.</summary>
    public required DateTimeOffset StartedAt { get; init; }
}

/// <summary>A step of a job ended.</summary>
public sealed record JobStepFinished
{
    /// <summary>The job's id: the <c>jobId</c> its <see cref="CreateJob"/> chose, which every command for it carries.</summary>
    public required Guid JobId { get; init; }
    /// <summary>The job's key, e.g. <c>N.PROD-00000042</c>; the API and the web monitor take it in place of the id.</summary>
    public required string Key { get; init; }
    /// <summary>PRE, RUN or POST (or a rollback of PRE/RUN), as in its <see cref="JobStepStarted"/>.</summary>
    public required string Step { get; init; }
    /// <summary>The job's execution: 1, then one more per rerun.</summary>
    public required int Exec { get; init; }
    /// <summary>The step run, as in its <see cref="JobStepStarted"/>.</summary>
    public required Guid StepRunId { get; init; }
    /// <summary><c>success</c>, <c>warning</c> or <c>error</c>.</summary>
    public required string Outcome { get; init; }
    /// <summary>When the step ended.</summary>
    public required DateTimeOffset EndedAt { get; init; }
    /// <summary>What went wrong, when it did.</summary>
    public string? Error { get; init; }
}

/// <summary>An op of a step ended.</summary>
public sealed record JobOpFinished
{
    /// <summary>The job's id: the <c>jobId</c> its <see cref="CreateJob"/> chose, which every command for it carries.</summary>
    public required Guid JobId { get; init; }
    /// <summary>The op's step: PRE, RUN or POST (or a rollback of PRE/RUN).</summary>
    public required string Step { get; init; }
    /// <summary>The job's execution: 1, then one more per rerun.</summary>
    public required int Exec { get; init; }
    /// <summary>The step run, as in its <see cref="JobStepStarted"/>.</summary>
    public required Guid StepRunId { get; init; }
    /// <summary>Position of the op in its step, from 0.</summary>
    public required int OpIndex { get; init; }
    /// <summary>The op's <c>name</c> in the job's pipeline.</summary>
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
    /// <summary>The command's <c>jobId</c> (for a refused create, no job has it).</summary>
    public required Guid JobId { get; init; }
    /// <summary>The refused command's <c>commandId</c>.</summary>
    public required Guid CommandId { get; init; }
    /// <summary>Command type, e.g. <c>CreateJob</c>.</summary>
    public required string Command { get; init; }
    /// <summary>Machine-readable reason, e.g. <c>invalid_pipeline</c>, <c>not_allowed_in_status</c>.</summary>
    public required string ReasonCode { get; init; }
    /// <summary>What a person reads.</summary>
    public required string Message { get; init; }
    /// <summary>The field at fault, when there is one (JSON path such as <c>pipeline.pre[0].kind</c>).</summary>
    public string? Field { get; init; }
    /// <summary>The command's <c>requestedBy</c>.</summary>
    public string? RequestedBy { get; init; }
}

/// <summary>A command was applied (or, for a repeated command id, acknowledged again).</summary>
public sealed record JobCommandAccepted
{
    /// <summary>The job's id: the <c>jobId</c> its <see cref="CreateJob"/> chose, which every command for it carries.</summary>
    public required Guid JobId { get; init; }
    /// <summary>The accepted command's <c>commandId</c>.</summary>
    public required Guid CommandId { get; init; }
    /// <summary>Command type, e.g. <c>ApproveJob</c>.</summary>
    public required string Command { get; init; }
    /// <summary>True when the command id had been seen before and nothing was applied again.</summary>
    public bool Duplicate { get; init; }
    /// <summary>The job's version after this; a command's <c>expectedVersion</c> is compared with it.</summary>
    public int Version { get; init; }
}
