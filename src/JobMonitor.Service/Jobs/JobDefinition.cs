using JobMonitor.Contracts;

namespace JobMonitor.Service.Jobs;

public enum OpKind
{
    Log,
    Delay,
    Script,
    Http,
    Approval,
    Dispatch,
}

public enum OpErrorPolicy
{
    Fail,
    Trap,
    Ignore,
}

public enum TrapTimeoutAction
{
    Abort,
    Retry,
    Skip,
}

/// <summary>An op after CHECK: kind and policies parsed, durations resolved.</summary>
public sealed record OpDefinition
{
    public required string Name { get; init; }
    public required OpKind Kind { get; init; }
    public OpParams Params { get; init; } = new();
    public OpErrorPolicy OnError { get; init; }
    public TimeSpan? TrapTimeout { get; init; }
    public TrapTimeoutAction TrapTimeoutAction { get; init; }
    public bool NeedsRollback { get; init; }
    public IReadOnlyList<string> Secret { get; init; } = [];

    /// <summary>delay: the wait; script/http/dispatch: the time-out.</summary>
    public TimeSpan? Duration { get; init; }
}

/// <summary>The ops of every step after CHECK.</summary>
public sealed record JobPipeline
{
    public IReadOnlyList<OpDefinition> Pre { get; init; } = [];
    public IReadOnlyList<OpDefinition> Run { get; init; } = [];
    public IReadOnlyList<OpDefinition> Post { get; init; } = [];
    public IReadOnlyList<OpDefinition> RollbackPre { get; init; } = [];
    public IReadOnlyList<OpDefinition> RollbackRun { get; init; } = [];

    public IReadOnlyList<OpDefinition> OpsOf(JobStep step) => step switch
    {
        JobStep.Pre => Pre,
        JobStep.Run => Run,
        JobStep.Post => Post,
        JobStep.RollbackPre => RollbackPre,
        JobStep.RollbackRun => RollbackRun,
        _ => [],
    };
}

public sealed record Revision
{
    public required string Id { get; init; }
    public string? Author { get; init; }
    public string? Message { get; init; }
    public IReadOnlyList<string> Paths { get; init; } = [];
}

/// <summary>A create command that passed CHECK.</summary>
public sealed record JobDefinition
{
    public required string Name { get; init; }
    public required string Project { get; init; }
    public required string Environment { get; init; }
    public required JobType Type { get; init; }
    public required IReadOnlyList<Revision> Revisions { get; init; }
    public required JobPipeline Pipeline { get; init; }
    public required DateTimeOffset ScheduledAt { get; init; }
    public required DateTimeOffset MaxStartAt { get; init; }
}

public enum JobType
{
    Normal,
    Urgent,
}
