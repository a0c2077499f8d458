using System.Diagnostics;
using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Telemetry;

/// <summary>
/// Debian's <c>prometheus</c> package (promtool and the server) and the compose stack's files copied to the test
/// output. Without the package a test skips, or fails in CI (JOBMONITOR_REQUIRE_SERVICES=1), where .ci/run installs it.
/// </summary>
public static class PrometheusTools
{
    public static string RulesFile { get; } = Path.Combine(AppContext.BaseDirectory, "compose", "prometheus", "rules.yml");
    public static string RuleTestsFile { get; } = Path.Combine(AppContext.BaseDirectory, "compose", "prometheus", "rules.test.yml");
    public static string DashboardFile { get; } = Path.Combine(AppContext.BaseDirectory, "compose", "grafana", "jobmonitor.json");

    /// <summary>The full path of <paramref name="tool"/> (promtool, prometheus) on the PATH.</summary>
    public static string Require(string tool)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists);
        if (found is not null)
            return found;
        var problem = $"{tool} is not installed (apt-get install prometheus)";
        if (TestServices.Required)
            throw new InvalidOperationException($"{problem}; it is required (JOBMONITOR_REQUIRE_SERVICES=1).");
        Assert.Skip(problem);
        return tool;
    }

    /// <summary>Runs promtool with <paramref name="arguments"/>; its exit code and everything it wrote.</summary>
    public static async Task<(int ExitCode, string Output)> PromtoolAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Require("promtool"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output + await error);
    }
}
