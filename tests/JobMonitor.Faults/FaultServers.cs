using System.Diagnostics;
using Npgsql;

namespace JobMonitor.Faults;

/// <summary>
/// The broker and database the fault suite may stop: a RabbitMQ node and a PostgreSQL cluster of its own, started by
/// <c>jm_faults_services_up</c> (scripts/lib/services.sh), which exports the variables read here. The shared servers
/// other tests use are never touched: a node named <c>rabbit@…</c> or a cluster named <c>main</c> is refused.
/// </summary>
public sealed record FaultServers(string PostgresAdmin, string PostgresCluster, Uri RabbitMq, Uri RabbitMqManagement, string RabbitMqNode)
{
    static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The suite runs only when asked: JOBMONITOR_FAULT_SUITE=1.</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable("JOBMONITOR_FAULT_SUITE") == "1";

    public static FaultServers FromEnvironment()
    {
        var servers = new FaultServers(
            Required("JOBMONITOR_FAULT_POSTGRES"),
            Required("JOBMONITOR_FAULT_POSTGRES_CLUSTER"),
            new Uri(Required("JOBMONITOR_FAULT_RABBITMQ")),
            new Uri(Required("JOBMONITOR_FAULT_RABBITMQ_MANAGEMENT")),
            Required("JOBMONITOR_FAULT_RABBITMQ_NODE"));
        if (servers.RabbitMqNode.StartsWith("rabbit@", StringComparison.Ordinal) || servers.PostgresCluster.EndsWith(" main", StringComparison.Ordinal))
            throw new InvalidOperationException(
                $"The fault suite stops its servers: {servers.RabbitMqNode} / {servers.PostgresCluster} look like the shared ones.");
        return servers;
    }

    /// <summary><c>rabbitmqctl stop_app</c>: the node stays up, its broker is gone; disposing the outage starts it again.</summary>
    public async Task<ServerOutage> StopRabbitMqAsync()
    {
        await RunAsync("rabbitmqctl", "-n", RabbitMqNode, "stop_app");
        return new ServerOutage("RabbitMQ", () => RunAsync("rabbitmqctl", "-n", RabbitMqNode, "start_app"));
    }

    /// <summary>
    /// Takes every consumer of <paramref name="vhost"/> away at the broker without a word to its client: each consumer's
    /// channel is told <c>basic.cancel</c> with <c>nowait</c>, as if the client had sent it, so the broker stops
    /// delivering and answers nothing. The client's channels stay open and its consumers believe they are consuming:
    /// what a receive endpoint looked like after a broker restart whose channel shutdown it never heard.
    /// </summary>
    public Task CancelConsumersUnheardAsync(string vhost) =>
        RunAsync("rabbitmqctl", "-n", RabbitMqNode, "eval",
            "[rabbit_channel:do(proplists:get_value(channel_pid, C), {'basic.cancel', proplists:get_value(consumer_tag, C), true})"
            + $" || C <- rabbit_amqqueue:consumers_all(<<\"{vhost}\">>)].");

    /// <summary><c>pg_ctlcluster … stop -m fast</c>; disposing the outage starts the cluster again.</summary>
    public async Task<ServerOutage> StopPostgresAsync()
    {
        await RunAsync(["pg_ctlcluster", .. PostgresCluster.Split(' '), "stop", "-m", "fast"]);
        return new ServerOutage("PostgreSQL", async () =>
        {
            await RunAsync(["pg_ctlcluster", .. PostgresCluster.Split(' '), "start"]);
            // The test's own pooled connections died with the server.
            NpgsqlConnection.ClearAllPools();
        });
    }

    static async Task RunAsync(params string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command.Skip(1))
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(CommandTimeout);
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{string.Join(' ', command)} exited with {process.ExitCode}: {await errors}{await output}");
    }

    static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set: start the fault suite's servers with scripts/lib/services.sh (jm_faults_services_up).");
}

/// <summary>A server stopped by the suite: <see cref="EndAsync"/> (or disposal, whatever happened) starts it again.</summary>
public sealed class ServerOutage(string server, Func<Task> start) : IAsyncDisposable
{
    readonly Stopwatch clock = Stopwatch.StartNew();
    bool ended;

    public string Server => server;

    /// <summary>Starts the server again; returns how long it was down.</summary>
    public async Task<TimeSpan> EndAsync()
    {
        if (!ended)
        {
            ended = true;
            await start();
        }
        return clock.Elapsed;
    }

    public async ValueTask DisposeAsync() => await EndAsync();
}
