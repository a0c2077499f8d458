namespace JobMonitor.Contracts;

/// <summary>
/// Asks the service to create a deployment job. Fields are checked (the CHECK step) before any job exists;
/// an invalid command yields <see cref="JobCommandRejected"/> and no job. Instants are ISO 8601 strings with an
/// offset so that a malformed date is rejected with a reason rather than dropped by the deserialiser.
/// </summary>
public sealed record CreateJob : JobCommand
{
    /// <summary>What is deployed, e.g. <c>shop-web 2.4.1</c>.</summary>
    public string? Name { get; init; }

    /// <summary>Project part of the job's permission scope.</summary>
    public string? Project { get; init; }

    /// <summary>Environment part of the job's permission scope, e.g. <c>PROD</c>.</summary>
    public string? Environment { get; init; }

    /// <summary><c>Normal</c> (default) or <c>Urgent</c>; sets the default expiry window.</summary>
    public string? Type { get; init; }

    /// <summary>The revisions the job deploys.</summary>
    public IReadOnlyList<RevisionSpec>? Revisions { get; init; }

    /// <summary>Ops per step.</summary>
    public PipelineSpec? Pipeline { get; init; }

    /// <summary>When RUN may start (ISO 8601 with offset); omitted means now.</summary>
    public string? ScheduledAt { get; init; }

    /// <summary>Latest RUN start (ISO 8601 with offset); omitted means scheduledAt plus the type's expiry window.</summary>
    public string? MaxStartAt { get; init; }
}

/// <summary>A revision deployed by a job.</summary>
public sealed record RevisionSpec
{
    /// <summary>Revision id, e.g. a commit hash.</summary>
    public string? Id { get; init; }

    /// <summary>Who wrote it.</summary>
    public string? Author { get; init; }

    /// <summary>Its message.</summary>
    public string? Message { get; init; }

    /// <summary>Changed paths; natures are derived from them.</summary>
    public IReadOnlyList<string>? Paths { get; init; }
}

/// <summary>The ops of each step, and the optional rollback ops per step.</summary>
public sealed record PipelineSpec
{
    /// <summary>Preparation ops; run at once.</summary>
    public IReadOnlyList<OpSpec>? Pre { get; init; }

    /// <summary>Deployment ops; run at scheduledAt.</summary>
    public IReadOnlyList<OpSpec>? Run { get; init; }

    /// <summary>Ops run after PRE or RUN, in success or failure.</summary>
    public IReadOnlyList<OpSpec>? Post { get; init; }

    /// <summary>Rollback ops per step.</summary>
    public RollbackSpec? Rollback { get; init; }
}

/// <summary>Rollback ops, per step whose ops may need undoing.</summary>
public sealed record RollbackSpec
{
    /// <summary>Undo PRE.</summary>
    public IReadOnlyList<OpSpec>? Pre { get; init; }

    /// <summary>Undo RUN.</summary>
    public IReadOnlyList<OpSpec>? Run { get; init; }
}

/// <summary>One op of a step.</summary>
public sealed record OpSpec
{
    /// <summary>Name shown in the log and dashboard; unique within its step.</summary>
    public string? Name { get; init; }

    /// <summary><c>log</c>, <c>delay</c>, <c>script</c>, <c>http</c>, <c>approval</c> or <c>dispatch</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>Kind-specific parameters.</summary>
    public OpParams? Params { get; init; }

    /// <summary><c>fail</c> (default), <c>trap</c> or <c>ignore</c>.</summary>
    public string? OnError { get; init; }

    /// <summary>How long a trapped op waits for a person (ISO 8601 duration or hh:mm:ss).</summary>
    public string? TrapTimeout { get; init; }

    /// <summary><c>abort</c> (default), <c>retry</c> or <c>skip</c>, applied when the trap times out.</summary>
    public string? TrapTimeoutAction { get; init; }

    /// <summary>When true and the op ran, a later failure runs the step's rollback ops.</summary>
    public bool NeedsRollback { get; init; }

    /// <summary>Names of params whose values are masked in the log.</summary>
    public IReadOnlyList<string>? Secret { get; init; }
}

/// <summary>Op parameters; each kind reads its own.</summary>
public sealed record OpParams
{
    /// <summary>log: the line to write.</summary>
    public string? Message { get; init; }

    /// <summary>log: debug, info, warn or error.</summary>
    public string? Level { get; init; }

    /// <summary>delay: how long to wait.</summary>
    public string? Duration { get; init; }

    /// <summary>script: name of a script configured in the service (never a shell string).</summary>
    public string? Script { get; init; }

    /// <summary>script: argument array.</summary>
    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>script: extra environment variables.</summary>
    public IReadOnlyDictionary<string, string>? Env { get; init; }

    /// <summary>script, http, dispatch: time-out.</summary>
    public string? Timeout { get; init; }

    /// <summary>approval: users and <c>role:</c> names who may approve.</summary>
    public IReadOnlyList<string>? Approvers { get; init; }

    /// <summary>http: absolute URL under a configured allowed base address.</summary>
    public string? Url { get; init; }

    /// <summary>http: method, default GET.</summary>
    public string? Method { get; init; }

    /// <summary>http: request headers.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>http: request body.</summary>
    public string? Body { get; init; }

    /// <summary>http: expected status code, default any 2xx.</summary>
    public int? ExpectedStatus { get; init; }

    /// <summary>dispatch: the agent's queue.</summary>
    public string? Queue { get; init; }

    /// <summary>dispatch: opaque payload handed to the agent.</summary>
    public string? Payload { get; init; }
}
