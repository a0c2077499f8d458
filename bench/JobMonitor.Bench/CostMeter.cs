using System.Diagnostics;
using MassTransit;
using Npgsql;

namespace JobMonitor.Bench;

/// <summary>
/// What a run costs the service, to say per job where the time goes: CPU of the process (the service runs in it),
/// bytes allocated and GC pauses, Npgsql commands (each one round trip to PostgreSQL; a batch counts once), database
/// transactions committed (pg_stat_database of the bench database), messages the service sent to the broker, and the
/// time the JIT compiler spent (a fresh process compiles and recompiles its hot code for its first half minute or so).
/// </summary>
public sealed class CostMeter : ISendObserver, IDisposable
{
    readonly ActivityListener _npgsql;
    long _commands;
    long _sends;

    public CostMeter()
    {
        // Npgsql starts an activity per command or batch once someone listens; counting them costs little.
        _npgsql = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            ActivityStopped = _ => Interlocked.Increment(ref _commands),
        };
        ActivitySource.AddActivityListener(_npgsql);
    }

    public sealed record Snapshot(TimeSpan Cpu, long Allocated, TimeSpan GcPause, long Commands, long Sends, long Transactions, TimeSpan Jit);

    public sealed record PerJob(
        double CpuMs, double AllocatedKb, double GcPauseMs, double DbRoundTrips, double DbTransactions, double BrokerSends, double JitMs);

    public async Task<Snapshot> ReadAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
        var transactions = (long)(await command.ExecuteScalarAsync())!;
        using var process = Process.GetCurrentProcess();
        return new Snapshot(process.TotalProcessorTime, GC.GetTotalAllocatedBytes(), GC.GetTotalPauseDuration(),
            Interlocked.Read(ref _commands), Interlocked.Read(ref _sends), transactions, System.Runtime.JitInfo.GetCompilationTime());
    }

    public static PerJob Per(Snapshot before, Snapshot after, int jobs) => new(
        (after.Cpu - before.Cpu).TotalMilliseconds / jobs,
        (after.Allocated - before.Allocated) / 1024.0 / jobs,
        (after.GcPause - before.GcPause).TotalMilliseconds / jobs,
        (double)(after.Commands - before.Commands) / jobs,
        (double)(after.Transactions - before.Transactions) / jobs,
        (double)(after.Sends - before.Sends) / jobs,
        (after.Jit - before.Jit).TotalMilliseconds / jobs);

    public void Dispose() => _npgsql.Dispose();

    public Task PreSend<T>(SendContext<T> context) where T : class => Task.CompletedTask;

    public Task PostSend<T>(SendContext<T> context) where T : class
    {
        Interlocked.Increment(ref _sends);
        return Task.CompletedTask;
    }

    public Task SendFault<T>(SendContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
