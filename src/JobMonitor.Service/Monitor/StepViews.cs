using JobMonitor.Service.Execution;
using JobMonitor.Service.Jobs;

namespace JobMonitor.Service.Monitor;

public sealed record StepView(
    int Exec, string Step, Guid StepRunId, string Outcome, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt,
    double? DurationMs, IReadOnlyList<OpView> Ops)
{
    public static StepView From(StepRecord step) => new(
        step.Exec, step.Step.Wire(), step.StepRunId, step.Outcome.Wire(), step.StartedAt, step.EndedAt,
        Duration(step.StartedAt, step.EndedAt), step.Ops.Select(OpView.From).ToList());

    internal static double? Duration(DateTimeOffset? start, DateTimeOffset? end) =>
        start is { } s && end is { } e ? (e - s).TotalMilliseconds : null;
}

public sealed record OpView(
    int Index, string Name, string Kind, string Outcome, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt,
    double? DurationMs, string? Error)
{
    public static OpView From(OpRecord op) => new(
        op.Index, op.Name, op.Kind, op.Outcome.Wire(), op.StartedAt, op.EndedAt, StepView.Duration(op.StartedAt, op.EndedAt), op.Error);
}
