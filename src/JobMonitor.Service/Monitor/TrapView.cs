using JobMonitor.Service.Jobs;

namespace JobMonitor.Service.Monitor;

/// <summary>
/// The trapped op. <c>Remaining</c> is in seconds: time left before the time-out action (frozen while paused), null
/// when the op has no time-out.
/// </summary>
public sealed record TrapView(
    string Op, int OpIndex, string Step, string? Error, DateTimeOffset TrappedAt, DateTimeOffset? Deadline,
    double? Remaining, bool Paused, string TimeoutAction)
{
    public static TrapView From(TrapRecord trap, bool paused, DateTimeOffset now)
    {
        var remaining = paused ? trap.Remaining : trap.Deadline - now;
        return new TrapView(trap.OpName, trap.OpIndex, trap.Step.Wire(), trap.Error, trap.TrappedAt, trap.Deadline,
            remaining is { } left ? Math.Max(left.TotalSeconds, 0) : null, paused, trap.TimeoutAction.ToString().ToLowerInvariant());
    }
}
