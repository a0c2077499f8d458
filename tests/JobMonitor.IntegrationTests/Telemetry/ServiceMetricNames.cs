using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using JobMonitor.Service.Telemetry;

namespace JobMonitor.IntegrationTests.Telemetry;

/// <summary>
/// The Prometheus names of the service's own instruments (meter <c>JobMonitor</c>), as OpenTelemetry's Prometheus
/// exporters (the service's /metrics, the collector's) write them: dots to underscores, the unit as a suffix,
/// <c>_total</c> on counters, <c>_bucket</c>/<c>_sum</c>/<c>_count</c> on histograms, and for both the OpenMetrics
/// <c>_created</c> series. The gauges exist once a service host has built its meter provider.
/// </summary>
public static partial class ServiceMetricNames
{
    public static IReadOnlySet<string> Exported()
    {
        // The static instruments are created when their class is first used; the gauges by the running host.
        RuntimeHelpers.RunClassConstructor(typeof(JobMonitorTelemetry).TypeHandle);
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name == JobMonitorTelemetry.Name)
                names.UnionWith(PrometheusNames(instrument));
        };
        // Start calls InstrumentPublished for every instrument already created, on this thread.
        listener.Start();
        return names;
    }

    /// <summary>The service's metric names (<c>jobmonitor_…</c>) a PromQL expression reads.</summary>
    public static IEnumerable<string> In(string expression) => MetricName().Matches(expression).Select(m => m.Value).Distinct();

    static IEnumerable<string> PrometheusNames(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_') + instrument.Unit switch
        {
            null or "" => "",
            "s" => "_seconds",
            "ms" => "_milliseconds",
            var unit => "_" + unit,
        };
        var kind = instrument.GetType().GetGenericTypeDefinition();
        if (kind == typeof(Counter<>) || kind == typeof(ObservableCounter<>))
            return [name + "_total", name + "_created"];
        if (kind == typeof(Histogram<>))
            return [name + "_bucket", name + "_sum", name + "_count", name + "_created"];
        return [name];
    }

    [GeneratedRegex(@"\bjobmonitor_[a-z_]+\b")]
    private static partial Regex MetricName();
}
