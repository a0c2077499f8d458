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
        var allowed = JobCommandRules.AllowedFor(job.Status, job.Step)
            .Where(command => caller.MayAct(command, job.Project, job.Environment, job.Approvers))
            .Select(command => command.Wire())
            .ToList();
        return new(job.Id, job.Key, job.Name, job.Project, job.Environment, job.Type.ToString(), job.Status.Display(),
            job.Step.Wire(), job.Progress, job.Natures, job.Owner, job.ScheduledAt, job.MaxStartAt, job.StartedAt, job.EndedAt,
            job.CreatedAt, allowed);
    }
}

/// <summary>A page of the list; <see cref="Counts" />: jobs per status (display name) for the filter without its status part.</summary>
public sealed record JobListPage(IReadOnlyList<JobListItem> Items, string? NextCursor, IReadOnlyDictionary<string, long> Counts);
