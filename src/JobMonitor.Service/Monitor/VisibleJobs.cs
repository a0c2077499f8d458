using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Security;

namespace JobMonitor.Service.Monitor;

public static class VisibleJobs
{
    /// <summary>The job, or null when there is none or it is outside the caller's scopes: for them it does not exist.</summary>
    public static async Task<DeploymentJobState?> GetVisibleAsync(
        this JobReadStore jobs, Guid id, Caller caller, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(id, cancellationToken);
        return job is not null && caller.CanSee(job.Project, job.Environment) ? job : null;
    }
}
