namespace JobMonitor.Service.Execution.Recovery;

/// <summary>What the reconciler found overdue on a job.</summary>
public enum JobRecoveryKind
{
    /// <summary>The current step run was dispatched and no worker ever leased it.</summary>
    Dispatch,

    /// <summary>The current step run finished and stored its result, which the saga never applied.</summary>
    Result,

    /// <summary>The job waits at the RUN gate past its scheduled date.</summary>
    RunGate,

    /// <summary>The job waits to start past its max start date.</summary>
    MaxStart,
}

/// <summary>
/// Reconciler → saga: this job's next move is overdue; make it again if it is still owed (the saga checks, so a
/// recovery that crossed the late original changes nothing).
/// </summary>
public sealed record RecoverJob
{
    public required Guid JobId { get; init; }
    public required JobRecoveryKind Kind { get; init; }

    /// <summary>The step run found waiting (Dispatch, Result).</summary>
    public Guid? StepRunId { get; init; }

    /// <summary>The stored result to apply (Result).</summary>
    public StepRunFinished? Result { get; init; }
}
