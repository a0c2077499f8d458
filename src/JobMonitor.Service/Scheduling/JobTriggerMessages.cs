using JobMonitor.Service.Execution;

namespace JobMonitor.Service.Scheduling;

/// <summary>The instants Hangfire watches for a job.</summary>
public enum JobTriggerKind
{
    /// <summary>RUN may start (scheduledAt).</summary>
    RunGate,

    /// <summary>RUN has not started by maxStartAt: expire.</summary>
    MaxStart,

    /// <summary>A trapped op's time-out.</summary>
    TrapTimeout,
}

/// <summary>Saga → scheduler: fire <see cref="JobTriggerFired"/> at <see cref="DueAt"/>, replacing any trigger of this kind.</summary>
public sealed record ArmJobTrigger
{
    public required Guid JobId { get; init; }
    public required string JobKey { get; init; }
    public required JobTriggerKind Kind { get; init; }
    public required DateTimeOffset DueAt { get; init; }

    /// <summary>Echoed in the fired message; the saga ignores a trigger whose token is no longer current.</summary>
    public required int Token { get; init; }

    /// <summary>A RUN-gate trigger's RUN, dispatched by the firer at the instant; null for other kinds.</summary>
    public PreparedRun? Dispatch { get; init; }
}

/// <summary>
/// The RUN step run prepared when a job began to wait at its RUN gate. The gate's trigger publishes it as it fires, so
/// that RUN does not wait for a saga transaction at its date; the saga takes the step run over when it hears of it.
/// </summary>
public sealed record PreparedRun
{
    public required RunJobStep Step { get; init; }
    public required string Project { get; init; }
    public required string Environment { get; init; }

    /// <summary>The max start date: a trigger firing later dispatches nothing, and the saga expires the job.</summary>
    public required DateTimeOffset NotAfter { get; init; }
}

/// <summary>Saga → scheduler: remove the job's triggers of these kinds (all when empty).</summary>
public sealed record DisarmJobTriggers
{
    public required Guid JobId { get; init; }
    public IReadOnlyList<JobTriggerKind> Kinds { get; init; } = [];

    /// <summary>
    /// The newest token of each kind when the saga disarmed: an arm with a newer token (read first by another
    /// instance) stays. A kind not listed is removed whatever its token.
    /// </summary>
    public IReadOnlyDictionary<JobTriggerKind, int> Tokens { get; init; } = new Dictionary<JobTriggerKind, int>();
}

/// <summary>Scheduler → saga: the instant came, never before it.</summary>
public sealed record JobTriggerFired
{
    public required Guid JobId { get; init; }
    public required JobTriggerKind Kind { get; init; }
    public required DateTimeOffset DueAt { get; init; }
    public required DateTimeOffset FiredAt { get; init; }
    public required int Token { get; init; }

    /// <summary>The prepared RUN step run the firer published with this message, if it did.</summary>
    public Guid? DispatchedStepRunId { get; init; }
}
