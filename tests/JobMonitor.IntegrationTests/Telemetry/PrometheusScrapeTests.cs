using System.Text;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Jobs;
using JobMonitor.IntegrationTests.Liveness;
using RabbitMQ.Client;

namespace JobMonitor.IntegrationTests.Telemetry;

/// <summary>
/// A real Prometheus scrapes a separate service process's <c>/metrics</c> (Telemetry:Prometheus=true) with an API key,
/// and answers queries on the series: the gauges, a job's histograms, an error queue's depth, the Hangfire servers,
/// and every expression of the Grafana dashboard.
/// </summary>
[Collection(ServiceHostCollection.Name)]
public sealed class PrometheusScrapeTests(ServiceHostFixture host)
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_real_prometheus_scrapes_the_service_and_answers_queries_on_its_series()
    {
        PrometheusTools.Require("prometheus");
        // Its own vhost: the child must not take the shared host's messages, and its error queue is the test's.
        await using var vhost = await RabbitMqVhost.CreateAsync("prometheus");
        await using var child = await ChildServiceInstance.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = host.ConnectionString,
            ["ConnectionStrings:RabbitMq"] = vhost.Amqp.ToString(),
            ["Scheduling:Schema"] = $"hangfire_child_{Guid.NewGuid():N}",
            ["Telemetry:Prometheus"] = "true",
            ["Telemetry:GaugeCacheTime"] = "00:00:00.500",
        });
        await using var broker = await new ConnectionFactory { Uri = vhost.Amqp }.CreateConnectionAsync(TestContext.Current.CancellationToken);
        await using var channel = await broker.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
        // A message MassTransit could not handle, as it leaves one: in the endpoint's _error queue.
        await channel.QueueDeclareAsync("create-job_error", durable: true, exclusive: false, autoDelete: false, cancellationToken: TestContext.Current.CancellationToken);
        await channel.BasicPublishAsync("", "create-job_error", Encoding.UTF8.GetBytes("{}"), TestContext.Current.CancellationToken);
        await channel.BasicPublishAsync("JobMonitor.Contracts:CreateJob", "", false,
            new BasicProperties { ContentType = "application/json" },
            Encoding.UTF8.GetBytes(JobApi.CreateJson(Guid.NewGuid(), Guid.NewGuid(), """{ "run": [{ "name": "deploy", "kind": "log", "params": { "message": "ok" } }] }""")),
            TestContext.Current.CancellationToken);

        await using var prometheus = await PrometheusServer.StartAsync(child.Address!, TestUsers.KeyOf(TestUsers.Nobody));

        Assert.Equal(1, await prometheus.WaitForAsync("""jobmonitor_queue_depth{queue="create-job_error"}""", v => v > 0, Timeout));
        Assert.Equal(1, await prometheus.WaitForAsync("jobmonitor_hangfire_servers", v => v > 0, Timeout));
        await prometheus.WaitForAsync("""sum(jobmonitor_op_duration_seconds_count{op_kind="log",outcome="success"})""", v => v >= 1, Timeout);
        await prometheus.WaitForAsync("""sum(jobmonitor_jobs{status="Finished"})""", v => v >= 1, Timeout);

        // What the service exports is named as the dashboard and the rules expect, histograms and counters included.
        var exported = ServiceMetricNames.Exported();
        var scraped = (await prometheus.MetricNamesAsync()).Where(n => n.StartsWith("jobmonitor_", StringComparison.Ordinal)).ToHashSet();
        Assert.Contains("jobmonitor_step_duration_seconds_bucket", scraped);
        Assert.Contains("jobmonitor_commands_accepted_total", scraped);
        Assert.Subset(exported.ToHashSet(), scraped);
        foreach (var expression in GrafanaDashboard.Load().Expressions)
            await prometheus.QueryAsync(GrafanaDashboard.Runnable(expression));
    }
}
