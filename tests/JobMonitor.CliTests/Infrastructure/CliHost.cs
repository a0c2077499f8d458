using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.CliTests.Infrastructure;

/// <summary>What one run of the tool did.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}{Environment.NewLine}stdout:{Environment.NewLine}{Stdout}stderr:{Environment.NewLine}{Stderr}";
}

/// <summary>
/// The real service on a TCP port of 127.0.0.1 (over real RabbitMQ and PostgreSQL, through the integration tests'
/// <see cref="ServiceHostFixture" />), and the built <c>jobmonitor.dll</c> run against it as a child process.
/// </summary>
public sealed class CliHost : IAsyncLifetime
{
    static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The tool as built beside this project (see the csproj's AssemblyMetadata).</summary>
    static readonly string ToolPath = Path.GetFullPath(typeof(CliHost).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "JobMonitorCli").Value!);

    /// <summary>The service. Its vhost is its own (JOBMONITOR_TEST_CLI_RABBITMQ), as the other test projects' services run beside.</summary>
    public ServiceHostFixture Service { get; } = new() { Broker = CliBroker(), ListenOnTcp = true };

    readonly ConcurrentBag<string> _tempFiles = [];

    public ValueTask InitializeAsync() => Service.InitializeAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var file in _tempFiles)
            File.Delete(file);
        await Service.DisposeAsync();
    }

    /// <summary>
    /// Runs <c>jobmonitor args…</c> as <paramref name="user" /> (or with <paramref name="apiKey" />) until it exits;
    /// <paramref name="environment" /> overrides the variables set for that (a null value removes one).
    /// </summary>
    public async Task<CliRun> RunAsync(IEnumerable<string> args, string user = TestUsers.Admin, string? apiKey = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = Start(args, apiKey ?? TestUsers.KeyOf(user), environment);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(RunTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"jobmonitor {string.Join(' ', start.ArgumentList.Skip(1))} ran longer than {RunTimeout}.");
        }
        var run = new CliRun(process.ExitCode, await stdout, await stderr);
        TestContext.Current.TestOutputHelper?.WriteLine($"jobmonitor {string.Join(' ', start.ArgumentList.Skip(1))}: {run}");
        return run;
    }

    /// <summary>
    /// Runs a command that does not end by itself (<c>log --follow</c>) as admin until a stdout line ends with
    /// <paramref name="until" />, then stops it; returns the lines and whether it was still running then.
    /// </summary>
    public async Task<(IReadOnlyList<string> Lines, bool StillRunning)> FollowAsync(IEnumerable<string> args, string until)
    {
        using var process = Process.Start(Start(args, TestUsers.KeyOf(TestUsers.Admin), null))!;
        using var timeout = new CancellationTokenSource(RunTimeout);
        var lines = new List<string>();
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                lines.Add(line);
                if (line.EndsWith(until, StringComparison.Ordinal))
                    return (lines, !process.HasExited);
            }
            throw new InvalidOperationException($"jobmonitor ended (exit {process.ExitCode}) before printing '{until}': {string.Join(Environment.NewLine, lines)}");
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
    }

    ProcessStartInfo Start(IEnumerable<string> args, string apiKey, IReadOnlyDictionary<string, string?>? environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ToolPath);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["JOBMONITOR_URL"] = Service.Address.ToString();
        start.Environment["JOBMONITOR_API_KEY"] = apiKey;
        // Never a developer's own ~/.config/jobmonitor/config.json.
        start.Environment["JOBMONITOR_CONFIG"] = Path.Combine(Path.GetTempPath(), $"jobmonitor-cli-tests-{Guid.NewGuid():N}.json");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
                start.Environment.Remove(name);
            else
                start.Environment[name] = value;
        }
        return start;
    }

    /// <summary>Writes a create body (project shop/PROD unless told) to a temporary file for <c>jobmonitor create</c>.</summary>
    public string JobFile(string pipeline, string project = "shop", DateTimeOffset? scheduledAt = null) => TempFile($$"""
            {
              "name": "{{project}}-web 2.4.1", "project": "{{project}}", "environment": "PROD",
              "pipeline": {{pipeline}}
              {{(scheduledAt is { } at ? $", \"scheduledAt\": \"{at:O}\"" : "")}}
            }
            """);

    /// <summary>A temporary JSON file, deleted with the host.</summary>
    public string TempFile(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"jobmonitor-cli-{Guid.NewGuid():N}.json");
        _tempFiles.Add(path);
        File.WriteAllText(path, json);
        return path;
    }

    static Uri CliBroker() =>
        Environment.GetEnvironmentVariable("JOBMONITOR_TEST_CLI_RABBITMQ") is { Length: > 0 } uri
            ? new Uri(uri)
            : new UriBuilder(TestServices.RabbitMq) { Path = TestServices.RabbitMq.AbsolutePath.TrimEnd('/') + "-cli" }.Uri;
}
