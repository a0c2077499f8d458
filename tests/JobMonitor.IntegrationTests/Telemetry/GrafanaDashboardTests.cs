using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Telemetry;

/// <summary>
/// The compose stack's Grafana dashboard reads the metrics the service exports. (A real Prometheus runs every
/// expression in <see cref="PrometheusScrapeTests"/>.)
/// </summary>
[Collection(ServiceHostCollection.Name)]
public sealed class GrafanaDashboardTests(ServiceHostFixture host)
{
    [Fact]
    public void The_dashboard_parses_and_every_panel_queries_the_provisioned_prometheus()
    {
        var dashboard = GrafanaDashboard.Load();

        Assert.Equal("jobmonitor", dashboard.Uid);
        Assert.NotEmpty(dashboard.Panels);
        Assert.All(dashboard.Panels, panel =>
        {
            Assert.Equal("prometheus", panel.DataSourceUid);
            Assert.NotEmpty(panel.Expressions);
            Assert.All(panel.Expressions, e => Assert.NotEmpty(ServiceMetricNames.In(e)));
        });
    }

    [Fact]
    public void Every_metric_of_the_dashboard_and_the_alert_rules_is_one_the_service_exports()
    {
        Assert.NotNull(host.Services);
        var exported = ServiceMetricNames.Exported();
        var rules = File.ReadAllText(PrometheusTools.RulesFile);

        var named = GrafanaDashboard.Load().Expressions.Append(rules).SelectMany(ServiceMetricNames.In).ToHashSet();

        Assert.Subset(exported.ToHashSet(), named);
    }

    [Fact]
    public void The_dashboard_shows_jobs_lateness_durations_traps_approvals_abends_recoveries_and_queues()
    {
        var named = GrafanaDashboard.Load().Expressions.SelectMany(ServiceMetricNames.In).ToHashSet();

        Assert.Superset(
            new HashSet<string>
            {
                "jobmonitor_jobs", "jobmonitor_run_lateness_milliseconds_bucket", "jobmonitor_step_duration_seconds_bucket",
                "jobmonitor_op_duration_seconds_bucket", "jobmonitor_traps_waiting", "jobmonitor_traps_oldest_age_seconds",
                "jobmonitor_approvals_waiting", "jobmonitor_approvals_oldest_age_seconds", "jobmonitor_jobs_abended_total",
                "jobmonitor_jobs_recovered_total", "jobmonitor_queue_depth", "jobmonitor_hangfire_servers",
            },
            named);
    }
}
