using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace JobMonitor.Service.Telemetry;

/// <summary>The service's own trace source and meter, and the instruments recorded on them.</summary>
public static class JobMonitorTelemetry
{
    public const string Name = "JobMonitor";

    public static readonly ActivitySource Source = new(Name);

    static readonly Meter Meter = new(Name);

    /// <summary>How long after its scheduled date a RUN step was claimed by a worker.</summary>
    public static readonly Histogram<double> RunLateness = Meter.CreateHistogram<double>(
        "jobmonitor.run.lateness", unit: "ms", description: "RUN start minus scheduledAt");

    /// <summary>Commands refused, by command and reason.</summary>
    public static readonly Counter<long> CommandsRejected = Meter.CreateCounter<long>(
        "jobmonitor.commands.rejected", description: "Commands refused, by command and reason code");
}
