namespace JobMonitor.Service.Monitor;

/// <summary><c>Telemetry:TraceUrlTemplate</c>: where the dashboard links a job's trace, e.g. <c>http://localhost:16686/trace/{traceId}</c>.</summary>
public sealed class TraceLinkOptions
{
    public const string Placeholder = "{traceId}";

    public string? TraceUrlTemplate { get; set; }

    public string? LinkTo(string? traceId) =>
        string.IsNullOrWhiteSpace(TraceUrlTemplate) || traceId is null
            ? null
            : TraceUrlTemplate.Replace(Placeholder, Uri.EscapeDataString(traceId), StringComparison.Ordinal);
}
