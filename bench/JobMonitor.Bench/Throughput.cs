using System.Diagnostics;

namespace JobMonitor.Bench;

/// <summary>Jobs due now, published at once: how fast the service takes them from CreateJob to Finished.</summary>
public static class Throughput
{
    public sealed record Result(int Jobs, TimeSpan Elapsed, long SagaMessages, long SagaAttempts,
        IReadOnlyDictionary<string, long> SagaFaults, IReadOnlyList<Guid> JobIds)
    {
        public double JobsPerSecond => Jobs / Elapsed.TotalSeconds;
        public double SagaEventsPerSecond => SagaMessages / Elapsed.TotalSeconds;
    }

    public static async Task<Result> RunAsync(BenchHost host, RawPublisher publisher, int jobs)
    {
        var ids = Enumerable.Range(0, jobs).Select(_ => Guid.NewGuid()).ToList();
        var commands = ids.Select(id => new RawMessage(CreateJobs.DueNow(id))).ToList();
        host.Saga.Reset();

        var firstPublish = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await publisher.PublishAsync(CreateJobs.Exchange, "", commands);
        Console.WriteLine($"  published {jobs} CreateJob in {clock.Elapsed.TotalSeconds:0.00} s");

        var lastFinished = await new JobsTable(host.Database).WaitAllFinishedAsync(ids, Timeout(jobs));
        var (messages, attempts, faults) = (host.Saga.Received, host.Saga.Attempts, host.Saga.Faults.ToDictionary());
        return new Result(jobs, lastFinished - firstPublish, messages, attempts, faults, ids);
    }

    /// <summary>Generous: a run this slow fails its goal by far anyway.</summary>
    public static TimeSpan Timeout(int jobs) => TimeSpan.FromSeconds(60 + jobs / 10.0);
}
