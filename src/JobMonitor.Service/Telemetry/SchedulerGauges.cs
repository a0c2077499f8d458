using System.Diagnostics.Metrics;
using Hangfire;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Telemetry;

/// <summary>
/// Hangfire servers alive, from Hangfire's storage. With none, no trigger fires: RUN gates, expiries and trap
/// time-outs all wait.
/// </summary>
public sealed class SchedulerGauges
{
    /// <summary>
    /// Hangfire's own default server time-out: a server silent this long is dead. Its row stays until a live server's
    /// watchdog removes it, which never happens when every server is gone, so the heartbeat is read here.
    /// </summary>
    static readonly TimeSpan ServerTimeout = TimeSpan.FromMinutes(5);

    public SchedulerGauges(JobStorage storage, IMeterFactory meters, TimeProvider time, IOptions<TelemetryOptions> options, ILogger<SchedulerGauges> logger)
    {
        var servers = new CachedReading<long>(
            () => storage.GetMonitoringApi().Servers().Count(s => s.Heartbeat is { } beat && time.GetUtcNow().UtcDateTime - beat < ServerTimeout),
            0, options.Value.GaugeCacheTime, time,
            e => logger.LogWarning(e, "Could not count the Hangfire servers for the gauges"));
        meters.Create(JobMonitorTelemetry.Name).CreateObservableGauge("jobmonitor.hangfire.servers", () => servers.Value,
            description: "Hangfire servers heartbeating: the ones that fire the jobs' timed triggers");
    }
}
