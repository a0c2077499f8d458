using System.Diagnostics;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Liveness;
using Npgsql;

namespace JobMonitor.Faults;

/// <summary>
/// One row's world: a fresh vhost on the fault node, a fresh database on the fault cluster, and service instances
/// as child processes (so they can be killed or sent SIGTERM) sharing both, as instances of one deployment do.
/// </summary>
public sealed class FaultStage : IAsyncDisposable
{
    readonly List<ChildServiceInstance> instances = [];

    FaultStage(FaultServers servers, FaultBroker broker, FaultDatabase database, FaultLoad load)
    {
        Servers = servers;
        Broker = broker;
        Database = database;
        Load = load;
    }

    public FaultServers Servers { get; }
    public FaultBroker Broker { get; }
    public FaultDatabase Database { get; }
    public FaultLoad Load { get; }

    public ChildServiceInstance this[int instance] => instances[instance];

    /// <summary>The <c>Execution:WorkerName</c> of instance <paramref name="instance"/>, as recorded with its step runs.</summary>
    public static string WorkerName(int instance) => $"faults-instance-{instance}";

    /// <summary>Starts <paramref name="count"/> instances, one after the other (each migrates the database first).</summary>
    public static async Task<FaultStage> StartAsync(FaultServers servers, string row, int count, IReadOnlyDictionary<string, string>? settings = null)
    {
        var broker = await FaultBroker.CreateAsync(servers, row);
        FaultDatabase? database = null;
        FaultLoad? load = null;
        try
        {
            database = await FaultDatabase.CreateAsync(servers);
            load = await FaultLoad.ConnectAsync(broker.Amqp);
        }
        catch
        {
            if (database is not null)
                await database.DisposeAsync();
            await broker.DisposeAsync();
            throw;
        }
        var stage = new FaultStage(servers, broker, database, load);
        try
        {
            for (var i = 0; i < count; i++)
                stage.instances.Add(await ChildServiceInstance.StartAsync(Settings(stage, i, settings)));
        }
        catch
        {
            await stage.DisposeAsync();
            throw;
        }
        return stage;
    }

    /// <summary>
    /// Waits up to <paramref name="within"/> until every job of <paramref name="ids"/> is final; returns the time
    /// on <paramref name="clock"/> when they were, or null when some were not (they count as stranded).
    /// </summary>
    public async Task<double?> SecondsUntilFinalAsync(IReadOnlyCollection<Guid> ids, Stopwatch clock, TimeSpan within)
    {
        try
        {
            await Polling.WaitUntilAsync(async () =>
            {
                try
                {
                    return await Database.FinalAsync(ids) == ids.Count;
                }
                catch (NpgsqlException)
                {
                    // The cluster is still coming back: not final yet.
                    return false;
                }
            }, within - clock.Elapsed, $"{ids.Count} jobs to be final");
            return Math.Round(clock.Elapsed.TotalSeconds, 1);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>The figures of a row: statuses, effects seen twice, parked messages.</summary>
    public async Task<FaultFigures> FiguresAsync(string row, IReadOnlyCollection<Guid> ids, double? recoverSeconds, IReadOnlyCollection<Guid>? abendExpected = null)
    {
        var tally = await Database.TallyAsync(ids, FaultLoad.OpsPerJob, abendExpected ?? []);
        return new()
        {
            Row = row,
            Jobs = ids.Count,
            Tally = tally,
            ErrorQueueMessages = await Broker.ErrorQueueMessagesAsync(),
            RecoverSeconds = recoverSeconds,
            Diagnosis = tally.Stranded > 0 ? await DiagnoseAsync(row, ids) : null,
        };
    }

    // Jobs whose story a failing row's message tells, and the instance lines it quotes for each.
    const int JobsDiagnosed = 3;
    const int LinesPerJob = 12;

    /// <summary>
    /// Where the first stranded jobs stopped (their rows, step runs, outbox rows, log) with the instances' lines about
    /// them, and what the queues hold; every instance's whole output goes to JOBMONITOR_FAULT_LOGS when it is set.
    /// </summary>
    async Task<string> DiagnoseAsync(string row, IReadOnlyCollection<Guid> ids)
    {
        var text = new System.Text.StringBuilder();
        text.Append($"queues: {await Broker.QueueDepthsAsync()}; outbox rows unsent: {await Database.OutboxRowsAsync()}");
        foreach (var job in await Database.StrandedAsync(ids, JobsDiagnosed))
        {
            text.Append($"\n* {job}");
            var marks = new[] { job.Key, job.StepRunId?.ToString(), job.GateStepRunId?.ToString() }.OfType<string>().ToList();
            foreach (var (instance, i) in instances.Select((instance, i) => (instance, i)))
                foreach (var line in instance.Lines.Where(l => marks.Any(m => l.Contains(m, StringComparison.Ordinal))).TakeLast(LinesPerJob))
                    text.Append($"\n  {WorkerName(i)}: {line}");
        }
        if (Environment.GetEnvironmentVariable("JOBMONITOR_FAULT_LOGS") is { Length: > 0 } logs)
        {
            var folder = Path.Combine(logs, $"{DateTime.UtcNow:HHmmss}-{new string([.. row.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')])}");
            Directory.CreateDirectory(folder);
            for (var i = 0; i < instances.Count; i++)
                await File.WriteAllLinesAsync(Path.Combine(folder, WorkerName(i) + ".log"), instances[i].Lines);
            text.Append($"\nevery instance's output: {folder}");
        }
        return text.ToString();
    }

    /// <summary>The last lines of each instance, for a failing row's message.</summary>
    public string Output => string.Join("\n", instances.Select((instance, i) => $"--- {WorkerName(i)} ---\n{instance.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in instances)
            await instance.DisposeAsync();
        await Load.DisposeAsync();
        await Broker.DisposeAsync();
        await Database.DisposeAsync();
    }

    static Dictionary<string, string> Settings(FaultStage stage, int instance, IReadOnlyDictionary<string, string>? extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = stage.Database.ConnectionString,
            ["ConnectionStrings:RabbitMq"] = stage.Broker.Amqp.ToString(),
            ["Execution:WorkerName"] = WorkerName(instance),
            // The transports' connects, endpoint restarts and consumer states, for a stranded row's output (not each
            // message's send and receive).
            ["Logging:LogLevel:MassTransit"] = "Debug",
            ["Logging:LogLevel:MassTransit.Messages"] = "Warning",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
            settings[key] = value;
        return settings;
    }
}
