using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Security;

namespace JobMonitor.Service.Monitor;

/// <summary>
/// A row of the monitor's job list. <see cref="AllowedActions" />: the commands the job's status and step accept
/// now that the caller may send (approve/reject also for the job's listed approvers).
/// </summary>
public sealed record JobListItem(
    Guid Id, string Key, string Name, string Project, string Environment, string Type, string Status, string Step,
    double Progress, IReadOnlyList<string> Natures, string? Owner, DateTimeOffset ScheduledAt, DateTimeOffset MaxStartAt,
    DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, DateTimeOffset CreatedAt, IReadOnlyList<string> AllowedActions)
{
    public static JobListItem From(JobSummary job, Caller caller)
    {
        // The status table reads only the state and the step.
        var state = new DeploymentJobState { CurrentState = job.Status, Step = job.Step };
        var allowed = JobCommandRules.All
            .Where(command => JobCommandRules.Allows(command, state) && caller.MayAct(command, job.Project, job.Environment, job.Approvers))
            .ToList();
        return new(job.Id, job.Key, job.Name, job.Project, job.Environment, job.Type.ToString(), JobStatus.Display(job.Status),
            job.Step.Wire(), job.Progress, job.Natures, job.Owner, job.ScheduledAt, job.MaxStartAt, job.StartedAt, job.EndedAt,
            job.CreatedAt, allowed);
    }
}

/// <summary>A page of the list; <see cref="Counts" />: jobs per status (display name) for the filter without its status part.</summary>
public sealed record JobListPage(IReadOnlyList<JobListItem> Items, string? NextCursor, IReadOnlyDictionary<string, long> Counts);

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
