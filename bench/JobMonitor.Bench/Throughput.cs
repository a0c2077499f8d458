using System.Diagnostics;

namespace JobMonitor.Bench;

/// <summary>Jobs due now, published at once: how fast the service takes them from CreateJob to Finished.</summary>
public static class Throughput
{
    public sealed record Result(int Jobs, TimeSpan Elapsed, long SagaMessages, long SagaAttempts,
        IReadOnlyDictionary<string, long> SagaFaults, IReadOnlyDictionary<string, ConsumerTime> Consumers,
        ThreadPoolWatch.Summary ThreadPool, IReadOnlyList<Guid> JobIds, CostMeter.PerJob Cost)
    {
        public double JobsPerSecond => Jobs / Elapsed.TotalSeconds;
        public double SagaEventsPerSecond => SagaMessages / Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Jobs end to end before measuring: the first claim starts MassTransit's bus endpoint while the consumers asking
    /// for it block their threads, a one-off stall of several seconds per process. A few are enough for that; the JIT
    /// goes on compiling and recompiling the hot code for about half a minute of load, which some thousands cover.
    /// </summary>
    public static async Task<TimeSpan> WarmUpAsync(BenchHost host, RawPublisher publisher, int jobs)
    {
        var ids = Enumerable.Range(0, jobs).Select(_ => Guid.NewGuid()).ToList();
        var clock = Stopwatch.StartNew();
        await publisher.PublishAsync(CreateJobs.Exchange, "", [.. ids.Select(id => new RawMessage(CreateJobs.DueNow(id)))]);
        await new JobsTable(host.Database).WaitAllFinishedAsync(ids, Timeout(jobs));
        return clock.Elapsed;
    }

    public static async Task<Result> RunAsync(BenchHost host, RawPublisher publisher, int jobs)
    {
        var ids = Enumerable.Range(0, jobs).Select(_ => Guid.NewGuid()).ToList();
        var commands = ids.Select(id => new RawMessage(CreateJobs.DueNow(id))).ToList();
        host.Traffic.Reset();
        var before = await host.Cost.ReadAsync(host.Database);
        using var threadPool = new ThreadPoolWatch();

        var firstPublish = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await publisher.PublishAsync(CreateJobs.Exchange, "", commands);
        Console.WriteLine($"  published {jobs} CreateJob in {clock.Elapsed.TotalSeconds:0.00} s");

        var lastFinished = await new JobsTable(host.Database).WaitAllFinishedAsync(ids, Timeout(jobs));
        var cost = CostMeter.Per(before, await host.Cost.ReadAsync(host.Database), jobs);
        var traffic = host.Traffic;
        return new Result(jobs, lastFinished - firstPublish, traffic.SagaReceived, traffic.SagaAttempts,
            traffic.SagaFaults.ToDictionary(), traffic.Consumers.ToDictionary(c => c.Key, c => c.Value.Copy()), threadPool.Stop(), ids, cost);
    }

    /// <summary>Generous: a run this slow fails its goal by far anyway.</summary>
    public static TimeSpan Timeout(int jobs) => TimeSpan.FromSeconds(60 + jobs / 10.0);
}
