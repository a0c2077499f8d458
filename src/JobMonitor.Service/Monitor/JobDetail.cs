using JobMonitor.Service.Jobs;

namespace JobMonitor.Service.Monitor;

/// <summary>
/// The job dashboard: every field of the job; per execution and step, its ops; approvals, audit trail, the trap
/// waiting for a person; the actions the caller may take now (so clients never re-derive the state machine); links.
/// </summary>
public sealed record JobDetail(
    Guid Id, string Key, string Name, string Project, string Environment, string Type, string Status, string Step,
    int Exec, int Version, double Progress, IReadOnlyList<string>? Natures, DateTimeOffset ScheduledAt,
    DateTimeOffset MaxStartAt, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, DateTimeOffset CreatedAt,
    string? CreatedBy, string? Owner, string? LastError, IReadOnlyList<Revision> Revisions,
    IReadOnlyList<StepView> Steps, IReadOnlyList<string> AllowedActions, IReadOnlyList<string> Approvers,
    IReadOnlyList<ApprovalView> Approvals, IReadOnlyList<AuditView> Audit, TrapView? Trap, string? TraceId,
    string? TraceParent, JobLinks Links)
{
    public static JobDetail From(DeploymentJobState job, JobDetailExtras extras) => new(
        job.CorrelationId, job.Key, job.Name, job.Project, job.Environment, job.Type.ToString(),
        job.Status().Display(), job.Step.Wire(), job.Exec, job.Version, job.Progress, job.Natures,
        job.ScheduledAt, job.MaxStartAt, job.StartedAt, job.EndedAt, job.CreatedAt, job.CreatedBy, job.Owner,
        job.LastError, job.Revisions, job.Steps.Select(StepView.From).ToList(), extras.AllowedActions,
        extras.Approvers, job.Approvals.Select(ApprovalView.From).ToList(), extras.Audit.Select(AuditView.From).ToList(),
        job.Trap is { } trap ? TrapView.From(trap, job.Status() == JobStatus.TrapPaused, extras.Now) : null,
        extras.TraceId, job.TraceParent, extras.Links);
}

/// <summary>What the dashboard adds to the stored job: the caller's view of it, the audit trail, the links.</summary>
public sealed record JobDetailExtras(
    IReadOnlyList<string> AllowedActions, IReadOnlyList<string> Approvers, IReadOnlyList<AuditEntry> Audit,
    string? TraceId, JobLinks Links, DateTimeOffset Now);

/// <summary><c>Hangfire</c>: the dashboard page of the job's pending trigger, else the scheduled jobs; <c>Trace</c>: null unless configured.</summary>
public sealed record JobLinks(string Log, string Hangfire, string? Trace);
