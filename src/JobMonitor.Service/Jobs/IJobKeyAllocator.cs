namespace JobMonitor.Service.Jobs;

/// <summary>Gives each new job its human key, e.g. <c>N.PROD-00000042</c>.</summary>
public interface IJobKeyAllocator
{
    Task<string> NextAsync(JobType type, string environment, CancellationToken cancellationToken);
}
