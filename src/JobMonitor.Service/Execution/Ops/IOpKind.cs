using JobMonitor.Service.Jobs;
using JobMonitor.Service.Telemetry;

namespace JobMonitor.Service.Execution.Ops;

/// <summary>
/// Runs one kind of op. Returning means success; <see cref="OpFailedException"/> is a failure with a message for the
/// job log; cancellation of the token stops the op (cancel, shutdown).
/// </summary>
public interface IOpKind
{
    OpKind Kind { get; }

    Task RunAsync(OpExecution op, CancellationToken cancellationToken);
}

public sealed record OpExecution
{
    public required Guid JobId { get; init; }
    public required string JobKey { get; init; }
    public required Guid StepRunId { get; init; }
    public required int Exec { get; init; }
    public required JobStep Step { get; init; }
    public required int Index { get; init; }
    public required OpDefinition Op { get; init; }

    /// <summary>The job's project and environment (its scope).</summary>
    public required JobLabels Labels { get; init; }

    /// <summary>Lines for the job log, attributed to this op, secrets masked.</summary>
    public required IOpLog Log { get; init; }
}

public interface IOpLog
{
    /// <summary>A line of the op's own telling (started, succeeded, waiting): always logged.</summary>
    void Write(JobLogLevel level, string text);

    /// <summary>A line the op's program printed (a script, an agent): counted against the step run's output cap.</summary>
    void WriteOutput(JobLogLevel level, string text);
}

public sealed class OpFailedException(string message) : Exception(message);
