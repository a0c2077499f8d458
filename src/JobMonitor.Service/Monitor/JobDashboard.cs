using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Security;
using JobMonitor.Service.Telemetry;
using JobMonitor.Service.Scheduling;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Monitor;

/// <summary>Puts the job dashboard together: the stored job, its audit trail, the caller's actions, the links.</summary>
public sealed class JobDashboard(
    JobReadStore jobs, JobAuditStore audit, JobTriggerStore triggers, IOptionsMonitor<TraceLinkOptions> traceLinks, TimeProvider clock)
{
    const string ScheduledJobsPage = "/hangfire/jobs/scheduled";

    /// <summary>The dashboard, or null when there is no such job or it is outside the caller's scopes.</summary>
    public async Task<JobDetail?> GetAsync(JobRef jobRef, Caller caller, CancellationToken cancellationToken)
    {
        var job = await jobs.GetVisibleAsync(jobRef, caller, cancellationToken);
        if (job is null)
            return null;
        var id = job.CorrelationId;
        var approvers = JobAccess.ApproversOf(job).Distinct(StringComparer.Ordinal).ToList();
        var traceId = JobTracing.TraceIdOf(job.TraceParent);
        // The trigger due next that Hangfire still holds: its page shows when and what it fires.
        var trigger = await triggers.PendingHangfireJobAsync(id, cancellationToken);
        var links = new JobLinks($"/api/jobs/{id}/log",
            trigger is null ? ScheduledJobsPage : $"/hangfire/jobs/details/{Uri.EscapeDataString(trigger)}",
            traceLinks.CurrentValue.LinkTo(traceId));
        return JobDetail.From(job, new JobDetailExtras(AllowedActions(job, caller, approvers), approvers,
            await audit.ReadAsync(id, cancellationToken), traceId, links, clock.GetUtcNow()));
    }

    /// <summary>What the status allows now, among what the caller may do on this job.</summary>
    public static IReadOnlyList<string> AllowedActions(DeploymentJobState job, Caller caller, IReadOnlyList<string> approvers) =>
        JobCommandRules.AllowedFor(job.Status(), job.Step).Where(c => caller.MayAct(c, job.Project, job.Environment, approvers))
            .Select(c => c.Wire()).ToList();
}
