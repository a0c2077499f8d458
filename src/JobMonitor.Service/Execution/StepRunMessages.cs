using JobMonitor.Service.Jobs;
using JobMonitor.Service.Telemetry;
using MassTransit;

namespace JobMonitor.Service.Execution;

/// <summary>Saga → worker queue: run the ops of one step. The worker must claim the step run before any op.</summary>
public sealed record RunJobStep
{
    public required Guid JobId { get; init; }
    public required string JobKey { get; init; }
    public required Guid StepRunId { get; init; }
    public required int Exec { get; init; }
    public required JobStep Step { get; init; }
    public required IReadOnlyList<OpDefinition> Ops { get; init; }

    /// <summary>Index of the first op to run; the ops before it already ran (a trap answered with retry or skip).</summary>
    public int FirstOp { get; init; }

    public string? TraceParent { get; init; }
}

/// <summary>How a <see cref="RunJobStep"/> is sent, whoever sends it (the saga, a RUN-gate trigger, a draining worker).</summary>
public static class StepDispatch
{
    /// <summary>The job's project and environment for the worker's telemetry; a RUN ahead of other steps.</summary>
    public static void Label(SendContext send, JobStep step, string? project, string? environment)
    {
        send.Headers.Set(JobTracing.ProjectHeader, project);
        send.Headers.Set(JobTracing.EnvironmentHeader, environment);
        if (step == JobStep.Run)
            send.TrySetPriority(MessagePriorities.Timed);
    }
}

/// <summary>
/// Worker → saga: this worker holds the lease on the step run (claimed in step_runs) and runs it; the job is Running.
/// Sent once the step has run for Execution:StartReportDelay: a step's result implies its start, so a step that ends
/// sooner, or a lost start, needs none.
/// </summary>
public sealed record StepRunStarted
{
    public required Guid JobId { get; init; }
    public required Guid StepRunId { get; init; }
    public required string Worker { get; init; }

    /// <summary>When the worker took the lease; null from an older worker (the saga then takes its own clock).</summary>
    public DateTimeOffset? StartedAt { get; init; }
}

public sealed record OpResult
{
    public required int Index { get; init; }
    public required string Name { get; init; }

    /// <summary>success, warning (failed with onError ignore), error, trapped (failed with onError trap), skipped.</summary>
    public required string Outcome { get; init; }

    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset EndedAt { get; init; }
    public string? Error { get; init; }
}

/// <summary>Worker → saga: an op of the step run ended and more ops follow.</summary>
public sealed record StepRunProgressed
{
    public required Guid JobId { get; init; }
    public required Guid StepRunId { get; init; }
    public required OpResult Op { get; init; }
    public string? Worker { get; init; }

    /// <summary>When the worker took the lease (the step's start, which this message implies).</summary>
    public DateTimeOffset? StartedAt { get; init; }
}

/// <summary>Worker → saga: the step run ended. Carries every op result, so the last op needs no message of its own.</summary>
public sealed record StepRunFinished
{
    public required Guid JobId { get; init; }
    public required Guid StepRunId { get; init; }
    public required bool Succeeded { get; init; }
    public required IReadOnlyList<OpResult> Ops { get; init; }
    public string? Error { get; init; }

    /// <summary>Set when the step stopped at an op with onError trap: the job waits for a person.</summary>
    public int? TrappedOp { get; init; }

    public string? Worker { get; init; }

    /// <summary>When the worker took the lease (the step's start, which this message implies).</summary>
    public DateTimeOffset? StartedAt { get; init; }
}

/// <summary>Saga → every service instance: stop this step run now (the job was canceled); kill its processes.</summary>
public sealed record StepRunCanceled
{
    public required Guid JobId { get; init; }
    public required Guid StepRunId { get; init; }
    public required string Reason { get; init; }
}

/// <summary>
/// Abend detector → saga: the lease of this step run expired (its worker's process is gone) or was released by a
/// worker that shut down before the step ended.
/// </summary>
public sealed record StepRunAbandoned
{
    public required Guid JobId { get; init; }
    public required Guid StepRunId { get; init; }
    public required string Worker { get; init; }
    public required DateTimeOffset LastHeartbeatAt { get; init; }
    public bool Released { get; init; }
}
