using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.Faults;

/// <summary>
/// The rows of SPEC §11, each played for real against the fault servers with <see cref="FaultLoad.Jobs"/> jobs:
/// they return what they measured and assert nothing (the fault suite asserts, the bench reports).
/// </summary>
public static partial class FaultRows
{
    /// <summary>SPEC §11: every job final within 60 s of the server's return.</summary>
    public static readonly TimeSpan RecoverWithin = TimeSpan.FromSeconds(60);

    /// <summary>SPEC §11: the killed instance's steps end in Abend within 20 s.</summary>
    public static readonly TimeSpan AbendWithin = TimeSpan.FromSeconds(20);

    /// <summary>The drain time-out the rolling restart's instances are configured with.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    // The instance's word that it claims nothing new, written once the claims under way when SIGTERM landed ended.
    [GeneratedRegex(@"claims no new step from (?<at>\S+)")]
    private static partial Regex ClaimsClosedLine();

    // How long the survivors get to finish everything after a kill or SIGTERM: 200 jobs on one instance.
    static readonly TimeSpan SurvivorFinishes = TimeSpan.FromSeconds(90);

    // Setting the stage, not a property under test: 200 jobs' PRE on a machine that other runs may load heavily.
    static readonly TimeSpan GateReached = TimeSpan.FromSeconds(180);
    static readonly TimeSpan InFlightWithin = TimeSpan.FromSeconds(60);

    // Enough open step runs that a fault hits many jobs mid-step: on the one instance, or on the instance that dies.
    const int InFlight = 32;
    const int InFlightOnVictim = 16;

    public static IReadOnlyList<(string Name, Func<FaultServers, Task<FaultFigures>> Run)> All { get; } =
    [
        ("kill -9 of one of two instances", KillOneOfTwoAsync),
        ("RabbitMQ down 15 s", s => RabbitMqDownAsync(s, TimeSpan.FromSeconds(15))),
        ("RabbitMQ down 60 s", s => RabbitMqDownAsync(s, TimeSpan.FromSeconds(60))),
        ("PostgreSQL down 15 s", s => PostgresDownAsync(s, TimeSpan.FromSeconds(15))),
        ("PostgreSQL down 60 s", s => PostgresDownAsync(s, TimeSpan.FromSeconds(60))),
        ("every message delivered twice", DuplicateDeliveryAsync),
        ("SIGTERM of an instance running steps", RollingRestartAsync),
        ("two instances: command order, triggers", CommandOrderAsync),
        ("consumers lost unheard", ConsumersLostUnheardAsync),
    ];

    /// <summary>Two instances share the load; one is killed with SIGKILL while it runs steps.</summary>
    public static async Task<FaultFigures> KillOneOfTwoAsync(FaultServers servers)
    {
        await using var stage = await FaultStage.StartAsync(servers, "kill", 2);
        var ids = await LoadUntilVictimBusyAsync(stage);
        var worker = FaultStage.WorkerName(0);
        stage[0].Kill();
        var clock = Stopwatch.StartNew();
        // What it was running when it died: its step runs still open, now that nothing of it can close them.
        var killed = await stage.Database.RunningOnAsync(worker);
        var killedFinal = await stage.SecondsUntilFinalAsync(killed, clock, AbendWithin + TimeSpan.FromSeconds(10));
        var recovered = await stage.SecondsUntilFinalAsync(ids, clock, SurvivorFinishes);
        return await stage.FiguresAsync("kill -9 of one of two instances", ids, recovered, killed) with
        {
            KilledSteps = killed.Count,
            KilledStepsFinalSeconds = killedFinal,
        };
    }

    /// <summary><c>rabbitmqctl stop_app</c> under load, <c>start_app</c> <paramref name="outage"/> later.</summary>
    public static Task<FaultFigures> RabbitMqDownAsync(FaultServers servers, TimeSpan outage) =>
        OutageAsync(servers, $"RabbitMQ down {outage.TotalSeconds:0} s", s => s.StopRabbitMqAsync(), outage);

    /// <summary><c>pg_ctlcluster … stop -m fast</c> under load, <c>start</c> <paramref name="outage"/> later.</summary>
    public static Task<FaultFigures> PostgresDownAsync(FaultServers servers, TimeSpan outage) =>
        OutageAsync(servers, $"PostgreSQL down {outage.TotalSeconds:0} s", s => s.StopPostgresAsync(), outage);

    /// <summary>
    /// One instance, every queue doubled (<see cref="FaultBroker.DeliverEveryMessageTwiceAsync"/>) before the load:
    /// commands, saga events, step orders and results all arrive twice.
    /// </summary>
    public static async Task<FaultFigures> DuplicateDeliveryAsync(FaultServers servers)
    {
        await using var stage = await FaultStage.StartAsync(servers, "twice", 1);
        var queues = await stage.Broker.DeliverEveryMessageTwiceAsync();
        var clock = Stopwatch.StartNew();
        var ids = await stage.Load.CreateJobsAsync();
        var finished = await stage.SecondsUntilFinalAsync(ids, clock, SurvivorFinishes);
        long copies = 0;
        try
        {
            // Each CreateJob alone is copied once: fewer copies than jobs means the duplication did not happen.
            await Polling.WaitUntilAsync(async () => (copies = await stage.Broker.CopiesDeliveredAsync()) >= ids.Count,
                TimeSpan.FromSeconds(15), "the management API to count the copies");
        }
        catch (TimeoutException)
        {
            // Reported as is: the suite asserts on it.
        }
        return await stage.FiguresAsync("every message delivered twice", ids, finished) with { QueuesDoubled = queues, CopiesDelivered = copies };
    }

    /// <summary>Two instances share the load; one gets SIGTERM while it runs steps, as in a rolling restart.</summary>
    public static async Task<FaultFigures> RollingRestartAsync(FaultServers servers)
    {
        await using var stage = await FaultStage.StartAsync(servers, "sigterm", 2, new Dictionary<string, string>
        {
            ["Execution:DrainTimeout"] = DrainTimeout.ToString(),
        });
        var ids = await LoadUntilVictimBusyAsync(stage);
        var worker = FaultStage.WorkerName(0);
        stage[0].Terminate();
        var clock = Stopwatch.StartNew();
        var signaled = await stage.Database.NowAsync();
        var exited = await stage[0].ExitedWithinAsync(DrainTimeout + TimeSpan.FromSeconds(15));
        var exitSeconds = exited ? Math.Round(clock.Elapsed.TotalSeconds, 1) : (double?)null;
        var recovered = await stage.SecondsUntilFinalAsync(ids, clock, SurvivorFinishes);
        // A signal reaches the host's shutdown code asynchronously (seconds under heavy load): new work is what the
        // instance claims after it said it stopped claiming, not after an arbitrary grace.
        var closedAt = stage[0].Lines.Select(line => ClaimsClosedLine().Match(line)).Where(m => m.Success)
            .Select(m => (DateTimeOffset?)DateTimeOffset.Parse(m.Groups["at"].Value, CultureInfo.InvariantCulture)).FirstOrDefault();
        return await stage.FiguresAsync("SIGTERM of an instance running steps", ids, recovered) with
        {
            Terminated = true,
            ExitSeconds = exitSeconds,
            ClaimsClosedSeconds = closedAt is { } at ? Math.Round((at - signaled).TotalSeconds, 1) : null,
            ClaimedAfterSignal = closedAt is { } since ? await stage.Database.ClaimedSinceAsync(worker, since) : null,
        };
    }

    /// <summary>
    /// Two instances; jobs wait at their RUN gate an hour away, then each gets two reschedules published in order,
    /// to two hours away and then to 30 s away. Applied in order, every job runs RUN once, 30 s later; a pair applied
    /// in reverse leaves a job at two hours (not final, but not stranded: its trigger is armed); a trigger lost leaves
    /// a job with the right date Ready, a trigger fired twice runs RUN twice.
    /// </summary>
    public static async Task<FaultFigures> CommandOrderAsync(FaultServers servers)
    {
        await using var stage = await FaultStage.StartAsync(servers, "order", 2);
        var ids = await stage.Load.CreateJobsAsync(DateTimeOffset.UtcNow.AddHours(1));
        await Polling.WaitUntilAsync(async () => await stage.Database.AtAsync(ids, "Ready", "Run") == ids.Count,
            GateReached, "every job to wait at its RUN gate");
        var runIn = TimeSpan.FromSeconds(30);
        var runAt = DateTimeOffset.UtcNow + runIn;
        var clock = Stopwatch.StartNew();
        await stage.Load.RescheduleAsync(ids, runAt.AddHours(2), runAt);
        var finished = await stage.SecondsUntilFinalAsync(ids, clock, runIn + RecoverWithin);
        var figures = await stage.FiguresAsync("two instances: command order, triggers", ids, finished);
        var lost = await stage.Database.NotFinalAtAsync(ids, runAt);
        return figures with
        {
            // A job left at the first date is not stranded (its trigger is armed, two hours away): it is reordered.
            Tally = figures.Tally with { Stranded = lost },
            Reordered = await stage.Database.ScheduledOtherThanAsync(ids, runAt),
            TriggersLost = lost,
        };
    }

    /// <summary>
    /// One instance under load; every consumer it has is taken away at the broker without its client hearing
    /// (<see cref="FaultServers.CancelConsumersUnheardAsync"/>) while steps are in flight. Its receive endpoints
    /// believe they consume; the broker delivers nothing. The instance must notice by itself and consume again.
    /// </summary>
    public static Task<FaultFigures> ConsumersLostUnheardAsync(FaultServers servers) =>
        UnderLoadAsync(servers, "unheard", "consumers lost unheard", stage => servers.CancelConsumersUnheardAsync(stage.Broker.Name));

    // Publishes the load; returns once instance 0, the one the fault hits, runs enough steps.
    static async Task<IReadOnlyList<Guid>> LoadUntilVictimBusyAsync(FaultStage stage)
    {
        var ids = await stage.Load.CreateJobsAsync();
        await Polling.WaitUntilAsync(async () => (await stage.Database.RunningOnAsync(FaultStage.WorkerName(0))).Count >= InFlightOnVictim,
            InFlightWithin, "the first instance to run steps");
        return ids;
    }

    static Task<FaultFigures> OutageAsync(FaultServers servers, string row, Func<FaultServers, Task<ServerOutage>> stop, TimeSpan outage) =>
        UnderLoadAsync(servers, "outage", row, async _ =>
        {
            await using var down = await stop(servers);
            // The outage itself: a duration the row prescribes, not a wait for something.
            await Task.Delay(outage);
            await down.EndAsync();
        });

    // One instance under load: once enough steps are in flight, the fault; the clock starts when the fault ends.
    static async Task<FaultFigures> UnderLoadAsync(FaultServers servers, string stageName, string row, Func<FaultStage, Task> fault)
    {
        await using var stage = await FaultStage.StartAsync(servers, stageName, 1);
        var ids = await stage.Load.CreateJobsAsync();
        await Polling.WaitUntilAsync(async () => await stage.Database.OpenStepRunsAsync() >= InFlight, InFlightWithin, "steps in flight");
        await fault(stage);
        var clock = Stopwatch.StartNew();
        var recovered = await stage.SecondsUntilFinalAsync(ids, clock, RecoverWithin);
        return await stage.FiguresAsync(row, ids, recovered);
    }
}
