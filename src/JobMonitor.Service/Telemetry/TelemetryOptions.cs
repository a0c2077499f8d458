namespace JobMonitor.Service.Telemetry;

public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Serves the metrics at <c>/metrics</c> for a Prometheus scrape (besides OTLP).</summary>
    public bool Prometheus { get; set; }

    /// <summary>
    /// How long the gauges' PostgreSQL and RabbitMQ readings are reused: several exporters or a burst of scrapes cost
    /// one query per period, not one each.
    /// </summary>
    public TimeSpan GaugeCacheTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The RabbitMQ queues whose depth and consumers are reported.</summary>
    public List<string> Queues { get; set; } = [];

    /// <summary>The queues of the service's shared endpoints, used when <see cref="Queues"/> is empty.</summary>
    public static IReadOnlyList<string> DefaultQueues { get; } = ["create-job", "deployment-job-state", "run-job-step", "job-triggers"];
}
