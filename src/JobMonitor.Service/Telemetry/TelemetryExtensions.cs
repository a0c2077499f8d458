using MassTransit.Logging;
using MassTransit.Monitoring;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace JobMonitor.Service.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>
    /// Traces and metrics of the service, MassTransit, ASP.NET Core, HttpClient and Npgsql. Exported over OTLP when
    /// OTEL_EXPORTER_OTLP_ENDPOINT is set (the exporter reads the standard OTEL_* variables).
    /// </summary>
    public static void AddTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>()
            .BindConfiguration(TelemetryOptions.Section)
            .Validate(o => o.GaugeCacheTime > TimeSpan.Zero, "Telemetry:GaugeCacheTime must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<JobGauges>();
        builder.Services.AddSingleton<QueueGauges>();
        builder.Services.AddSingleton<SchedulerGauges>();

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "jobmonitor"))
            .WithTracing(tracing => tracing
                .AddSource(JobMonitorTelemetry.Name)
                .AddSource(DiagnosticHeaders.DefaultListenerName)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .WithMetrics(metrics => metrics
                .AddMeter(JobMonitorTelemetry.Name)
                .AddMeter(InstrumentationOptions.MeterName)
                .AddMeter("Npgsql")
                // Resolved when the meter provider is built, so that the gauges exist from the start.
                .AddInstrumentation(services => services.GetRequiredService<JobGauges>())
                .AddInstrumentation(services => services.GetRequiredService<QueueGauges>())
                .AddInstrumentation(services => services.GetRequiredService<SchedulerGauges>())
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddPrometheusExporterWhen(builder.Configuration.GetValue<bool>(PrometheusKey)));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            telemetry.UseOtlpExporter();
    }

    const string PrometheusKey = TelemetryOptions.Section + ":" + nameof(TelemetryOptions.Prometheus);

    static MeterProviderBuilder AddPrometheusExporterWhen(this MeterProviderBuilder metrics, bool enabled) =>
        enabled ? metrics.AddPrometheusExporter() : metrics;

    /// <summary>The Prometheus scrape endpoint <c>/metrics</c>, when <c>Telemetry:Prometheus</c> is true.</summary>
    public static void MapTelemetry(this WebApplication app)
    {
        if (app.Configuration.GetValue<bool>(PrometheusKey))
            app.MapPrometheusScrapingEndpoint("/metrics");
    }
}
