using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Liveness;

/// <summary>
/// A second instance of the real service in its own process (<c>dotnet JobMonitor.Service.dll</c> from the build
/// output), configured by environment variables, that a test can kill with SIGKILL: the crash an in-process host
/// cannot play.
/// </summary>
public sealed partial class ChildServiceInstance : IAsyncDisposable
{
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    readonly Process process;
    readonly ConcurrentQueue<string> output = new();
    readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    ChildServiceInstance(Process process) => this.process = process;

    public int ProcessId => process.Id;

    public Uri? Address { get; private set; }

    /// <summary>What the child wrote, for a failing test's message.</summary>
    public string Output => string.Join('\n', output.TakeLast(60));

    /// <summary>Every line the child wrote so far, stdout and stderr.</summary>
    public IEnumerable<string> Lines => output;

    /// <summary>Starts the child with <paramref name="settings"/> (configuration keys, ':' allowed) and waits until /health/ready answers.</summary>
    public static async Task<ChildServiceInstance> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var service = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(service)!,
        };
        start.ArgumentList.Add(service);
        // Port 0: the kernel picks a free one, read back from the "Now listening on" line.
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        // One line per entry, stamped: a failing test's excerpt of the output reads as a timeline.
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true";
        start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        // The test users as in the in-process host: the commands the tests publish are checked against them.
        foreach (var (key, value) in TestUsers.Settings().Concat(settings))
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        var child = new ChildServiceInstance(new Process { StartInfo = start, EnableRaisingEvents = true });
        child.process.OutputDataReceived += (_, e) => child.Heard(e.Data);
        child.process.ErrorDataReceived += (_, e) => child.Heard(e.Data);
        child.process.Start();
        child.process.BeginOutputReadLine();
        child.process.BeginErrorReadLine();
        try
        {
            await child.WaitReadyAsync();
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
        return child;
    }

    /// <summary>SIGKILL to the service and every process it started: no shutdown code runs, as in a crash.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>SIGTERM, as a rolling restart sends it: the service shuts down by its own code.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Whether the process ended within <paramref name="timeout"/>.</summary>
    public async Task<bool> ExitedWithinAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    async Task WaitReadyAsync()
    {
        var clock = Stopwatch.StartNew();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited).WaitAsync(StartTimeout);
        if (first == exited)
            throw new InvalidOperationException($"The child service exited with code {process.ExitCode} before listening:\n{Output}");
        Address = await listening.Task;

        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var lastAnswer = "none";
        try
        {
            await Polling.WaitUntilAsync(async () =>
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"The child service exited with code {process.ExitCode} while starting:\n{Output}");
                try
                {
                    using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                    lastAnswer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                    return response.IsSuccessStatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Refused, or no answer within the client's time-out on a loaded machine: not ready yet.
                    lastAnswer = e.Message;
                    return false;
                }
            }, StartTimeout - clock.Elapsed, "the child service to be ready");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Last /health/ready answer: {lastAnswer}\nChild output:\n{Output}", e);
        }
    }

    void Heard(string? line)
    {
        if (line is null)
            return;
        output.Enqueue(line);
        if (ListeningLine().Match(line) is { Success: true } match)
            listening.TrySetResult(new Uri(match.Groups["address"].Value));
    }

    [GeneratedRegex(@"Now listening on: (?<address>http://\S+)")]
    private static partial Regex ListeningLine();
}
