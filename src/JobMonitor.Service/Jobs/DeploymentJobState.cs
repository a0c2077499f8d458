using System.Text.Json.Serialization;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Execution.Ops;
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

    /// <summary>
    /// The RUN step run prepared when the job began to wait at its RUN gate: the gate's trigger dispatches it at the
    /// date, and the saga takes it as its current step run when the trigger (or the step's first report) reaches it.
    /// </summary>
    public Guid? GateStepRunId { get; set; }

    /// <summary>
    /// <see cref="GateStepRunId"/> while the job waits at its RUN gate, else null: the step run a worker may lease
    /// although the saga has not handed it out yet (the jobs.gate_step_run_id column).
    /// </summary>
    [JsonIgnore]
    public Guid? WaitingGateRun =>
        CurrentState == JobStatus.Ready.StateName() && Step == JobStep.Run && StepRunId is null ? GateStepRunId : null;

    /// <summary>Bumped each time the RUN gate trigger is armed; a fired trigger with an older token is stale.</summary>
    public int RunGateToken { get; set; }

    /// <summary>Bumped each time the max-start (expiry) trigger is armed.</summary>
    public int MaxStartToken { get; set; }

    /// <summary>True once a Hangfire trigger may exist for the job; ending the job then disarms them.</summary>
    public bool TriggersArmed { get; set; }

    /// <summary>Bumped each time a trap time-out is armed.</summary>
    public int TrapToken { get; set; }

    /// <summary>The step an execution started from (a rerun of RUN does not redo PRE): progress counts from it.</summary>
    public JobStep ExecStartStep { get; set; } = JobStep.Pre;

    /// <summary>Execution whose RUN has been approved (approval is asked again when PRE is rerun).</summary>
    public int? ApprovedExec { get; set; }

    public List<ApprovalRecord> Approvals { get; set; } = [];

    /// <summary>The trapped op waiting for a person, if any.</summary>
    public TrapRecord? Trap { get; set; }

    /// <summary>Rollback steps still to run after a failure, earliest step first.</summary>
    public List<JobStep> PendingRollback { get; set; } = [];

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

    /// <summary>Command ids applied by this change, recorded in jobmonitor.command_ids in the same transaction.</summary>
    [JsonIgnore]
    public List<AppliedCommand> PendingCommands { get; } = [];

    /// <summary>Audit entries written in the same transaction as this state change; they outlive the job.</summary>
    [JsonIgnore]
    public List<AuditEntry> PendingAudit { get; } = [];
}

public sealed class ApprovalRecord
{
    public int Exec { get; set; }
    public string User { get; set; } = "";

    /// <summary>approved or rejected.</summary>
    public string Decision { get; set; } = "";

    public string? Comment { get; set; }
    public DateTimeOffset At { get; set; }
}

public sealed class TrapRecord
{
    public JobStep Step { get; set; }
    public int OpIndex { get; set; }
    public string OpName { get; set; } = "";
    public string? Error { get; set; }
    public DateTimeOffset TrappedAt { get; set; }

    /// <summary>When the time-out action applies; null while paused or when the op has no time-out.</summary>
    public DateTimeOffset? Deadline { get; set; }

    /// <summary>Time left when the counter was paused.</summary>
    public TimeSpan? Remaining { get; set; }

    public TrapTimeoutAction TimeoutAction { get; set; }
}

/// <summary>One operator action on a job: who, when, what, with which comment, from which status.</summary>
public sealed record AuditEntry
{
    public required Guid JobId { get; init; }
    public required string JobKey { get; init; }
    public required Guid CommandId { get; init; }
    public required string Action { get; init; }
    public required string User { get; init; }
    public string? Comment { get; init; }
    public required string FromStatus { get; init; }
    public required string ToStatus { get; init; }
    public required DateTimeOffset At { get; init; }
}

public sealed class StepRecord
{
    public int Exec { get; set; }
    public JobStep Step { get; set; }
    public Guid StepRunId { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Pending, Running, then how the step ended (Success, Warning, Error, Trapped) or Skipped.</summary>
    public OpOutcome Outcome { get; set; } = OpOutcome.Pending;

    public List<OpRecord> Ops { get; set; } = [];
}

public sealed class OpRecord
{
    public int Index { get; set; }
    public string Name { get; set; } = "";
    public string Kind { get; set; } = "";

    /// <summary>Pending, then how the op ended (Success, Warning, Error, Trapped) or Skipped.</summary>
    public OpOutcome Outcome { get; set; } = OpOutcome.Pending;

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

    public required JobLogLevel Level { get; init; }

    public required string Text { get; init; }
    public required DateTimeOffset At { get; init; }
    public string? TraceId { get; init; }
}
