namespace JobMonitor.Contracts;

/// <summary>
/// JobMonitor → an external agent, sent to the queue named by a <c>dispatch</c> op (<c>params.queue</c>): run this op.
/// The agent answers by publishing <see cref="AgentOpCompleted"/> (and may stream <see cref="AgentOpLogged"/> lines),
/// each echoing <see cref="StepRunId"/> and <see cref="OpIndex"/>.
/// </summary>
public sealed record AgentOpRequested
{
    /// <summary>The job the op belongs to; echo it back.</summary>
    public required Guid JobId { get; init; }
    /// <summary>Its key, for the agent's own logs.</summary>
    public required string JobKey { get; init; }
    /// <summary>The step run the op belongs to; echo it back.</summary>
    public required Guid StepRunId { get; init; }
    /// <summary>Position of the op in its step; echo it back.</summary>
    public required int OpIndex { get; init; }
    /// <summary>The op's <c>name</c> in the job's pipeline.</summary>
    public required string OpName { get; init; }
    /// <summary>PRE, RUN, POST...</summary>
    public required string Step { get; init; }
    /// <summary>The op's <c>params.payload</c>, passed through untouched.</summary>
    public string? Payload { get; init; }
    /// <summary>When JobMonitor stops waiting and fails the op.</summary>
    public required DateTimeOffset Deadline { get; init; }
}

/// <summary>Agent → JobMonitor: a line for the job log while the op runs.</summary>
public sealed record AgentOpLogged
{
    /// <summary>Echoed from the request.</summary>
    public Guid JobId { get; init; }
    /// <summary>Echoed from the request.</summary>
    public Guid StepRunId { get; init; }
    /// <summary>Echoed from the request.</summary>
    public int OpIndex { get; init; }
    /// <summary>debug, info, warn or error (default info).</summary>
    public string? Level { get; init; }
    /// <summary>The line's text, written to the job log under the op.</summary>
    public string? Text { get; init; }
}

/// <summary>Agent → JobMonitor: the op ended.</summary>
public sealed record AgentOpCompleted
{
    /// <summary>Echoed from the request.</summary>
    public Guid JobId { get; init; }
    /// <summary>Echoed from the request.</summary>
    public Guid StepRunId { get; init; }
    /// <summary>Echoed from the request.</summary>
    public int OpIndex { get; init; }
    /// <summary>True when the op did what it should.</summary>
    public bool Succeeded { get; init; }
    /// <summary>What went wrong, when it did.</summary>
    public string? Error { get; init; }
}
