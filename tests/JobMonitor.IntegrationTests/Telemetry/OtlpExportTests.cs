using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Liveness;

namespace JobMonitor.IntegrationTests.Telemetry;

/// <summary>A separate service process exports its spans and metrics over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class OtlpExportTests(ServiceHostFixture host)
{
    [Fact]
    public async Task A_service_pointed_at_an_otlp_endpoint_sends_it_traces_and_metrics()
    {
        using var receiver = new OtlpReceiver();
        // Its own vhost: the child must not take the shared host's messages.
        await using var vhost = await RabbitMqVhost.CreateAsync("otlp");
        await using var child = await ChildServiceInstance.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = host.ConnectionString,
            ["ConnectionStrings:RabbitMq"] = vhost.Amqp.ToString(),
            // Its own Hangfire storage too: on the shared database its server would fetch the host's triggers and
            // fire them on its own vhost, where no saga of the host hears them.
            ["Scheduling:Schema"] = $"hangfire_child_{Guid.NewGuid():N}",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        using var http = new HttpClient { BaseAddress = child.Address };
        // A request makes a server span (and Npgsql spans) even before anything else happens.
        using var response = await http.GetAsync(new Uri("/api/jobs", UriKind.Relative), TestContext.Current.CancellationToken);

        await ServiceHostFixture.WaitUntilAsync(
            () => Task.FromResult(receiver.Posts("/v1/traces") > 0 && receiver.Posts("/v1/metrics") > 0),
            TimeSpan.FromSeconds(30), $"OTLP posts from the child (output:\n{child.Output})");
    }
}
