using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;

namespace JobMonitor.Service.Monitor;

/// <summary>A row of the monitor's job list.</summary>
public sealed record JobListItem(
    Guid Id, string Key, string Name, string Project, string Environment, string Type, string Status, string Step,
    double Progress, DateTimeOffset ScheduledAt, DateTimeOffset MaxStartAt, DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt, DateTimeOffset CreatedAt)
{
    public static JobListItem From(JobSummary job) => new(
        job.Id, job.Key, job.Name, job.Project, job.Environment, job.Type.ToString(), JobStatus.Display(job.Status),
        job.Step.Wire(), job.Progress, job.ScheduledAt, job.MaxStartAt, job.StartedAt, job.EndedAt, job.CreatedAt);
}

public sealed record JobListPage(IReadOnlyList<JobListItem> Items, string? NextCursor);

/// <summary>The job dashboard: every field of the job and, per execution and step, its ops.</summary>
public sealed record JobDetail(
    Guid Id, string Key, string Name, string Project, string Environment, string Type, string Status, string Step,
    int Exec, int Version, double Progress, IReadOnlyList<string>? Natures, DateTimeOffset ScheduledAt,
    DateTimeOffset MaxStartAt, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, DateTimeOffset CreatedAt,
    string? CreatedBy, string? Owner, string? LastError, IReadOnlyList<Revision> Revisions,
    IReadOnlyList<StepView> Steps, string? TraceParent, JobLinks Links)
{
    public static JobDetail From(DeploymentJobState job) => new(
        job.CorrelationId, job.Key, job.Name, job.Project, job.Environment, job.Type.ToString(),
        JobStatus.Display(job.CurrentState), job.Step.Wire(), job.Exec, job.Version, job.Progress, job.Natures,
        job.ScheduledAt, job.MaxStartAt, job.StartedAt, job.EndedAt, job.CreatedAt, job.CreatedBy, job.Owner,
        job.LastError, job.Revisions, job.Steps.Select(StepView.From).ToList(), job.TraceParent,
        new JobLinks($"/api/jobs/{job.CorrelationId}/log", "/hangfire/jobs/scheduled"));
}

public sealed record JobLinks(string Log, string Scheduler);

public sealed record StepView(
    int Exec, string Step, Guid StepRunId, string Outcome, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt,
    double? DurationMs, IReadOnlyList<OpView> Ops)
{
    public static StepView From(StepRecord step) => new(
        step.Exec, step.Step.Wire(), step.StepRunId, step.Outcome, step.StartedAt, step.EndedAt,
        Duration(step.StartedAt, step.EndedAt), step.Ops.Select(OpView.From).ToList());

    internal static double? Duration(DateTimeOffset? start, DateTimeOffset? end) =>
        start is { } s && end is { } e ? (e - s).TotalMilliseconds : null;
}

public sealed record OpView(
    int Index, string Name, string Kind, string Outcome, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt,
    double? DurationMs, string? Error)
{
    public static OpView From(OpRecord op) => new(
        op.Index, op.Name, op.Kind, op.Outcome, op.StartedAt, op.EndedAt, StepView.Duration(op.StartedAt, op.EndedAt), op.Error);
}

public sealed record JobLogPage(IReadOnlyList<JobLogRecord> Items, long? NextAfter);
