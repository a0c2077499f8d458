using System.Diagnostics.Metrics;
using JobMonitor.Service.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JobMonitor.Service.Telemetry;

/// <summary>Jobs by status, and the traps and approvals waiting for a person with the age of the oldest, from the jobs table.</summary>
public sealed class JobGauges
{
    /// <summary>
    /// Per status: how many, and since when the oldest has waited: trapped jobs since their trap, others since their
    /// last change (for approvals: since PRE ended, unless rescheduled meanwhile).
    /// </summary>
    const string CountByStatus = """
        SELECT status, count(*),
               min(CASE WHEN status IN ('Trapped', 'TrapPaused') AND data->'trap'->>'trappedAt' IS NOT NULL
                        THEN (data->'trap'->>'trappedAt')::timestamptz ELSE updated_at END)
        FROM jobmonitor.jobs
        GROUP BY status
        """;

    static readonly string[] TrapStatuses = [JobStatus.Trapped, JobStatus.TrapPaused];
    static readonly string[] ApprovalStatuses = [JobStatus.WaitingForApproval];

    readonly NpgsqlDataSource dataSource;
    readonly TimeProvider time;
    readonly CachedReading<IReadOnlyDictionary<string, StatusCount>> counts;

    public JobGauges(NpgsqlDataSource dataSource, IMeterFactory meters, TimeProvider time, IOptions<TelemetryOptions> options, ILogger<JobGauges> logger)
    {
        this.dataSource = dataSource;
        this.time = time;
        counts = new(Read, new Dictionary<string, StatusCount>(), options.Value.GaugeCacheTime, time,
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
        return JobStatus.All.Select(status => new Measurement<long>(
            current.TryGetValue(status, out var count) ? count.Jobs : 0, new KeyValuePair<string, object?>("status", status)));
    }

    long Waiting(string[] statuses)
    {
        var current = counts.Value;
        return statuses.Sum(s => current.TryGetValue(s, out var count) ? count.Jobs : 0);
    }

    double OldestAge(string[] statuses)
    {
        var current = counts.Value;
        var oldest = statuses.Select(s => current.TryGetValue(s, out var count) ? count.OldestSince : null).Min();
        return oldest is { } since ? Math.Max((time.GetUtcNow() - since).TotalSeconds, 0) : 0;
    }

    Dictionary<string, StatusCount> Read()
    {
        // Gauge callbacks are synchronous; the cache keeps this to one query per period.
        using var command = dataSource.CreateCommand(CountByStatus);
        using var reader = command.ExecuteReader();
        var result = new Dictionary<string, StatusCount>();
        while (reader.Read())
            result[reader.GetString(0)] = new StatusCount(reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
        return result;
    }

    sealed record StatusCount(long Jobs, DateTimeOffset? OldestSince);
}
