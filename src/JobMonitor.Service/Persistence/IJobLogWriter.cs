using JobMonitor.Service.Jobs;

namespace JobMonitor.Service.Persistence;

/// <summary>Appends lines to jobs' logs (outside a saga transaction: workers, scripts).</summary>
public interface IJobLogWriter
{
    Task AppendAsync(IReadOnlyList<JobLogEntry> entries, CancellationToken cancellationToken);
}
