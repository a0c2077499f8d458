namespace JobMonitor.IntegrationTests.Telemetry;

/// <summary>compose/prometheus/rules.yml is valid and every rule passes its promtool unit tests (rules.test.yml).</summary>
public sealed class AlertRuleTests
{
    static readonly string[] Alerts =
    [
        "JobMonitorTrapWaiting", "JobMonitorApprovalWaiting", "JobMonitorAbend", "JobMonitorQueueGrowing",
        "JobMonitorErrorQueueNotEmpty", "JobMonitorNoHangfireServer",
    ];

    [Fact]
    public async Task The_alert_rules_are_valid_for_promtool()
    {
        var (exitCode, output) = await PrometheusTools.PromtoolAsync("check", "rules", PrometheusTools.RulesFile);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"SUCCESS: {Alerts.Length} rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_alert_rule_passes_its_promtool_unit_tests()
    {
        var (exitCode, output) = await PrometheusTools.PromtoolAsync("test", "rules", PrometheusTools.RuleTestsFile);

        Assert.True(exitCode == 0, output);
        // Each rule has a test that expects it to fire, so a rule cannot be added or renamed without one.
        var tests = await File.ReadAllTextAsync(PrometheusTools.RuleTestsFile, TestContext.Current.CancellationToken);
        var rules = await File.ReadAllTextAsync(PrometheusTools.RulesFile, TestContext.Current.CancellationToken);
        Assert.All(Alerts, alert =>
        {
            Assert.Contains($"alert: {alert}\n", rules, StringComparison.Ordinal);
            Assert.Contains($"alertname: {alert}\n        exp_alerts:\n          - exp_labels:", tests, StringComparison.Ordinal);
        });
    }
}
