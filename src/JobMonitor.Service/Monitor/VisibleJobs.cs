using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Security;

namespace JobMonitor.Service.Monitor;

public static class VisibleJobs
{
    /// <summary>
    /// The job named by id or key, or null when there is none or it is outside the caller's scopes: for them it does
    /// not exist, whichever way they name it.
    /// </summary>
    public static async Task<DeploymentJobState?> GetVisibleAsync(
        this JobReadStore jobs, JobRef job, Caller caller, CancellationToken cancellationToken)
    {
        var found = job.Id is { } id
            ? await jobs.GetAsync(id, cancellationToken)
            : await jobs.GetByKeyAsync(job.Key!, cancellationToken);
        return found is not null && caller.CanSee(found.Project, found.Environment) ? found : null;
    }
}
