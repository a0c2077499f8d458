using System.Diagnostics;
using Npgsql;

namespace JobMonitor.Bench;

/// <summary>
/// Create → PRE started on an idle service: one create at a time, each waited for, so nothing queues behind it. The
/// start is the PRE step's startedAt as the saga records it (the worker's lease), the create's the bench's clock
/// just before it published; one process, one clock.
/// </summary>
public static class Responsiveness
{
    public const int Jobs = 20;
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    public sealed record Result(int Jobs, double P50Ms, double MaxMs);

    public static async Task<Result> RunAsync(BenchHost host, RawPublisher publisher)
    {
        var latencies = new List<double>(Jobs);
        for (var i = 0; i < Jobs; i++)
        {
            var id = Guid.NewGuid();
            var published = DateTimeOffset.UtcNow;
            await publisher.PublishAsync(CreateJobs.Exchange, "", [new RawMessage(CreateJobs.DueNow(id))]);
            var started = await PreStartedAsync(host.Database, id, Throughput.Timeout(1));
            latencies.Add((started - published).TotalMilliseconds);
            // Let the job end, so the next create finds the service idle.
            await new JobsTable(host.Database).WaitAllFinishedAsync([id], Throughput.Timeout(1));
        }
        latencies.Sort();
        return new Result(Jobs, Lateness.Percentile(latencies, 0.50), latencies[^1]);
    }

    static async Task<DateTimeOffset> PreStartedAsync(NpgsqlDataSource database, Guid id, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using (var command = database.CreateCommand(
                """
                SELECT (s.value ->> 'startedAt')::timestamptz
                FROM jobmonitor.jobs j CROSS JOIN LATERAL jsonb_array_elements(j.data -> 'steps') s
                WHERE j.id = @id AND s.value ->> 'step' = 'Pre' AND s.value ->> 'startedAt' IS NOT NULL
                """))
            {
                command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
                if (await command.ExecuteScalarAsync() is DateTime started)
                    return new DateTimeOffset(started, TimeSpan.Zero);
            }
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"PRE of job {id} had not started after {timeout.TotalSeconds:0} s.");
            await Task.Delay(Poll);
        }
    }
}
