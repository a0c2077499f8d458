using System.Text.Json.Serialization;
using MassTransit;

namespace JobMonitor.Service.Jobs;

/// <summary>
/// The saga instance of one deployment job. Persisted by the PostgreSQL saga repository: the monitor's filter and
/// sort fields as columns, the whole instance as jsonb.
/// </summary>
public sealed class DeploymentJobState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public int Version { get; set; }
    public string CurrentState { get; set; } = "";

    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public string Project { get; set; } = "";
    public string Environment { get; set; } = "";
    public JobType Type { get; set; }
    public JobStep Step { get; set; } = JobStep.Init;
    public int Exec { get; set; }

    /// <summary>Ops finished ÷ ops total of the current execution, 0..1.</summary>
    public double Progress { get; set; }

    public IReadOnlyList<string>? Natures { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset ScheduledAt { get; set; }
    public DateTimeOffset MaxStartAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public string? CreatedBy { get; set; }
    public string? Owner { get; set; }
    public string? LastError { get; set; }

    public IReadOnlyList<Revision> Revisions { get; set; } = [];
    public JobPipeline Pipeline { get; set; } = new();

    /// <summary>The step run the saga handed out last; a worker may run ops only while it holds this claim.</summary>
    public Guid? StepRunId { get; set; }
    public string? ClaimedBy { get; set; }

    /// <summary>Bumped each time the RUN gate trigger is armed; a fired trigger with an older token is stale.</summary>
    public int RunGateToken { get; set; }

    /// <summary>True once an op failed in the current execution: the job ends in Error whatever POST does.</summary>
    public bool Failed { get; set; }

    /// <summary>Per execution and step: when it ran and how each op ended.</summary>
    public List<StepRecord> Steps { get; set; } = [];

    /// <summary>Recent command ids, newest last, so that a repeated command is acknowledged and not applied twice.</summary>
    public List<Guid> SeenCommands { get; set; } = [];

    /// <summary>W3C traceparent of the execution's root activity, so a RUN started hours later joins its trace.</summary>
    public string? TraceParent { get; set; }

    /// <summary>Log lines written in the same transaction as this state change, then cleared.</summary>
    [JsonIgnore]
    public List<JobLogEntry> PendingLog { get; } = [];
}

public sealed class StepRecord
{
    public int Exec { get; set; }
    public JobStep Step { get; set; }
    public Guid StepRunId { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>pending, running, success, warning, error, skipped.</summary>
    public string Outcome { get; set; } = "pending";

    public List<OpRecord> Ops { get; set; } = [];
}

public sealed class OpRecord
{
    public int Index { get; set; }
    public string Name { get; set; } = "";
    public string Kind { get; set; } = "";

    /// <summary>pending, success, warning, error, skipped.</summary>
    public string Outcome { get; set; } = "pending";

    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public string? Error { get; set; }
}

/// <summary>One line of a job's log, before it is stored.</summary>
public sealed record JobLogEntry
{
    public required Guid JobId { get; init; }
    public required int Exec { get; init; }
    public required string Step { get; init; }
    public string? Op { get; init; }

    /// <summary>debug, info, warn, error, comment.</summary>
    public required string Level { get; init; }

    public required string Text { get; init; }
    public required DateTimeOffset At { get; init; }
    public string? TraceId { get; init; }
}
