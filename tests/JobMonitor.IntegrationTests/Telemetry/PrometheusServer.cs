using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Telemetry;

/// <summary>
/// A real Prometheus server (Debian's package) on a free port of 127.0.0.1 with its own data directory, scraping one
/// target every second with an API key; stopped and its directory removed on dispose.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    readonly Process process;
    readonly string directory;
    readonly ConcurrentQueue<string> output = new();
    readonly HttpClient http;

    PrometheusServer(Process process, string directory, Uri address)
    {
        this.process = process;
        this.directory = directory;
        http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>What the server wrote, for a failing test's message.</summary>
    public string Output => string.Join('\n', output.TakeLast(40));

    public static async Task<PrometheusServer> StartAsync(Uri target, string apiKey)
    {
        var binary = PrometheusTools.Require("prometheus");
        var directory = Directory.CreateTempSubdirectory("jobmonitor-prometheus-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "api-key"), apiKey);
        // The service takes its key as "Authorization: ApiKey <key>" too: the header a scrape config can set.
        await File.WriteAllTextAsync(Path.Combine(directory, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: jobmonitor
                authorization:
                  type: ApiKey
                  credentials_file: {Path.Combine(directory, "api-key")}
                static_configs:
                  - targets: ["{target.Authority}"]
            """);
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add($"--config.file={Path.Combine(directory, "prometheus.yml")}");
        start.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(directory, "data")}");
        start.ArgumentList.Add($"--web.listen-address={address.Authority}");
        var server = new PrometheusServer(new Process { StartInfo = start }, directory, address);
        server.process.OutputDataReceived += (_, e) => server.Heard(e.Data);
        server.process.ErrorDataReceived += (_, e) => server.Heard(e.Data);
        server.process.Start();
        server.process.BeginOutputReadLine();
        server.process.BeginErrorReadLine();
        try
        {
            await ServiceHostFixture.WaitUntilAsync(server.IsReadyAsync, StartTimeout, "Prometheus to be ready");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>The values of an instant query, one per series; throws with Prometheus' error when it refuses the query.</summary>
    public async Task<IReadOnlyList<double>> QueryAsync(string promql)
    {
        using var response = await http.GetAsync(new Uri($"/api/v1/query?query={Uri.EscapeDataString(promql)}", UriKind.Relative));
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = answer.RootElement;
        if (root.GetProperty("status").GetString() != "success")
            throw new InvalidOperationException($"Prometheus refused {promql}: {root.GetProperty("error").GetString()}");
        var data = root.GetProperty("data");
        return data.GetProperty("resultType").GetString() switch
        {
            "vector" => [.. data.GetProperty("result").EnumerateArray().Select(r => Value(r.GetProperty("value")))],
            "scalar" => [Value(data.GetProperty("result"))],
            var type => throw new InvalidOperationException($"Unexpected result type {type} for {promql}."),
        };
    }

    /// <summary>Every metric name Prometheus has stored.</summary>
    public async Task<IReadOnlyList<string>> MetricNamesAsync()
    {
        using var answer = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/v1/label/__name__/values", UriKind.Relative)));
        return [.. answer.RootElement.GetProperty("data").EnumerateArray().Select(n => n.GetString()!)];
    }

    /// <summary>Waits until the query returns a value satisfying <paramref name="condition"/>; returns it.</summary>
    public async Task<double> WaitForAsync(string promql, Func<double, bool> condition, TimeSpan timeout)
    {
        double found = double.NaN;
        await ServiceHostFixture.WaitUntilAsync(async () =>
        {
            var values = await QueryAsync(promql);
            found = values.FirstOrDefault(condition, double.NaN);
            return !double.IsNaN(found);
        }, timeout, $"{promql} in Prometheus (its output:\n{Output})");
        return found;
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    async Task<bool> IsReadyAsync()
    {
        if (process.HasExited)
            throw new InvalidOperationException($"Prometheus exited with code {process.ExitCode}:\n{Output}");
        try
        {
            using var response = await http.GetAsync(new Uri("/-/ready", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    void Heard(string? line)
    {
        if (line is not null)
            output.Enqueue(line);
    }

    static double Value(JsonElement sample) => double.Parse(sample[1].GetString()!, CultureInfo.InvariantCulture);

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
