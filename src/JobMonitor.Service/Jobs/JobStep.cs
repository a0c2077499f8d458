namespace JobMonitor.Service.Jobs;

/// <summary>The phases of a job, in order. Rollback steps undo PRE or RUN after a failure.</summary>
public enum JobStep
{
    Check,
    Init,
    Pre,
    Run,
    Post,
    End,
    RollbackPre,
    RollbackRun,
}

public static class JobSteps
{
    public static string Wire(this JobStep step) => step switch
    {
        JobStep.Check => "CHECK",
        JobStep.Init => "INIT",
        JobStep.Pre => "PRE",
        JobStep.Run => "RUN",
        JobStep.Post => "POST",
        JobStep.End => "END",
        JobStep.RollbackPre => "ROLLBACK PRE",
        JobStep.RollbackRun => "ROLLBACK RUN",
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, null),
    };

    public static JobStep? FromWire(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        "PRE" => JobStep.Pre,
        "RUN" => JobStep.Run,
        "POST" => JobStep.Post,
        _ => null,
    };
}
