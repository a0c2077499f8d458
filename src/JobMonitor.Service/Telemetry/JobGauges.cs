using System.Diagnostics.Metrics;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Telemetry;

/// <summary>Jobs by status, and the traps and approvals waiting for a person with the age of the oldest, from the jobs table.</summary>
public sealed class JobGauges
{
    static readonly JobStatus[] TrapStatuses = [JobStatus.Trapped, JobStatus.TrapPaused];
    static readonly JobStatus[] ApprovalStatuses = [JobStatus.WaitingForApproval];

    readonly TimeProvider time;
    readonly CachedReading<IReadOnlyDictionary<JobStatus, JobsInStatus>> counts;

    public JobGauges(JobReadStore jobs, IMeterFactory meters, TimeProvider time, IOptions<TelemetryOptions> options, ILogger<JobGauges> logger)
    {
        this.time = time;
        // Gauge callbacks are synchronous; the cache keeps the reading to one query per period.
        counts = new(jobs.CountWaitingByStatus, new Dictionary<JobStatus, JobsInStatus>(), options.Value.GaugeCacheTime, time,
            e => logger.LogWarning(e, "Could not count the jobs by status for the gauges"));

        var meter = meters.Create(JobMonitorTelemetry.Name);
        meter.CreateObservableGauge("jobmonitor.jobs", ByStatus, description: "Jobs by status");
        meter.CreateObservableGauge("jobmonitor.traps.waiting", () => Waiting(TrapStatuses), description: "Jobs trapped at an op, waiting for retry, skip or abort");
        meter.CreateObservableGauge("jobmonitor.traps.oldest_age", () => OldestAge(TrapStatuses), unit: "s", description: "Age of the oldest waiting trap");
        meter.CreateObservableGauge("jobmonitor.approvals.waiting", () => Waiting(ApprovalStatuses), description: "Jobs waiting for approval");
        meter.CreateObservableGauge("jobmonitor.approvals.oldest_age", () => OldestAge(ApprovalStatuses), unit: "s", description: "Age of the oldest approval waiting");
    }

    IEnumerable<Measurement<long>> ByStatus()
    {
        var current = counts.Value;
        return JobStatuses.All.Select(status => new Measurement<long>(
            current.TryGetValue(status, out var count) ? count.Jobs : 0, new KeyValuePair<string, object?>("status", status.StateName())));
    }

    long Waiting(JobStatus[] statuses)
    {
        var current = counts.Value;
        return statuses.Sum(s => current.TryGetValue(s, out var count) ? count.Jobs : 0);
    }

    double OldestAge(JobStatus[] statuses)
    {
        var current = counts.Value;
        var oldest = statuses.Select(s => current.TryGetValue(s, out var count) ? count.OldestSince : null).Min();
        return oldest is { } since ? Math.Max((time.GetUtcNow() - since).TotalSeconds, 0) : 0;
    }
}
