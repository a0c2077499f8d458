using System.Text.Json;

namespace JobMonitor.IntegrationTests.Telemetry;

/// <summary>The panels of compose/grafana/dashboards/jobmonitor.json and their PromQL expressions.</summary>
public sealed record GrafanaDashboard(string Uid, IReadOnlyList<GrafanaPanel> Panels)
{
    public static GrafanaDashboard Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(PrometheusTools.DashboardFile));
        var root = document.RootElement;
        var panels = root.GetProperty("panels").EnumerateArray()
            .Where(p => p.GetProperty("type").GetString() != "row")
            .Select(p => new GrafanaPanel(
                p.GetProperty("title").GetString()!,
                p.GetProperty("datasource").GetProperty("uid").GetString()!,
                [.. p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!)]))
            .ToList();
        return new GrafanaDashboard(root.GetProperty("uid").GetString()!, panels);
    }

    public IEnumerable<string> Expressions => Panels.SelectMany(p => p.Expressions);

    /// <summary>An expression with Grafana's variables given values, as Prometheus itself can run it.</summary>
    public static string Runnable(string expression) =>
        expression.Replace("$__rate_interval", "1m", StringComparison.Ordinal).Replace("$__range", "5m", StringComparison.Ordinal);
}

public sealed record GrafanaPanel(string Title, string DataSourceUid, IReadOnlyList<string> Expressions);
