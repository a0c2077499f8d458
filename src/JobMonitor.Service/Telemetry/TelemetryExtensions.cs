namespace JobMonitor.Service.Telemetry;

public static class TelemetryExtensions
{
    public static void AddTelemetry(this IHostApplicationBuilder builder)
    {
        // TODO(telemetry): OpenTelemetry tracing and metrics.
        _ = builder;
    }
}
