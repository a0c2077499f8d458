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
        JobStatus.Display(job.CurrentState), job.Step.Wire(), job.Exec, job.Version, job.Progress, job.Natures,
        job.ScheduledAt, job.MaxStartAt, job.StartedAt, job.EndedAt, job.CreatedAt, job.CreatedBy, job.Owner,
        job.LastError, job.Revisions, job.Steps.Select(StepView.From).ToList(), extras.AllowedActions,
        extras.Approvers, job.Approvals.Select(ApprovalView.From).ToList(), extras.Audit.Select(AuditView.From).ToList(),
        job.Trap is { } trap ? TrapView.From(trap, job.CurrentState == JobStatus.TrapPaused, extras.Now) : null,
        extras.TraceId, job.TraceParent, extras.Links);
}

/// <summary>What the dashboard adds to the stored job: the caller's view of it, the audit trail, the links.</summary>
public sealed record JobDetailExtras(
    IReadOnlyList<string> AllowedActions, IReadOnlyList<string> Approvers, IReadOnlyList<AuditEntry> Audit,
    string? TraceId, JobLinks Links, DateTimeOffset Now);

/// <summary><c>Hangfire</c>: the dashboard page of the job's pending trigger, else the scheduled jobs; <c>Trace</c>: null unless configured.</summary>
public sealed record JobLinks(string Log, string Hangfire, string? Trace);

public sealed record ApprovalView(int Exec, string User, string Decision, string? Comment, DateTimeOffset At)
{
    public static ApprovalView From(ApprovalRecord approval) =>
        new(approval.Exec, approval.User, approval.Decision, approval.Comment, approval.At);
}

public sealed record AuditView(DateTimeOffset At, string User, string Action, string? Comment, string FromStatus, string ToStatus)
{
    public static AuditView From(AuditEntry entry) =>
        new(entry.At, entry.User, entry.Action, entry.Comment, entry.FromStatus, entry.ToStatus);
}

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
