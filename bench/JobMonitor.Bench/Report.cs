using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace JobMonitor.Bench;

/// <summary>The human summary, then the one-line JSON record (last line of output, for scripts).</summary>
public static class Report
{
    const double GoalJobsPerSecond = 200;
    const double GoalRatio = 0.5;
    const double GoalP99Ms = 100;

    // Relaxed: the line is read by people and scripts, not embedded in HTML ("+00:00" rather than "\u002B00:00").
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Print(BenchOptions options, TimeSpan warmUp, Throughput.Result throughput, Floor.Result? floor,
        Lateness.Result? lateness, IReadOnlyDictionary<string, long> serviceLogs)
    {
        var ratio = floor is null ? (double?)null : throughput.SagaEventsPerSecond / floor.MessagesPerSecond;
        var retries = throughput.SagaAttempts - throughput.SagaMessages;

        Console.WriteLine();
        Console.WriteLine("== JobMonitor bench ==");
        Console.WriteLine($"throughput  {throughput.Jobs} jobs in {throughput.Elapsed.TotalSeconds:0.00} s: " +
            $"{throughput.JobsPerSecond:0.0} jobs/s (goal >= {GoalJobsPerSecond})");
        Console.WriteLine($"saga        {throughput.SagaMessages} messages ({(double)throughput.SagaMessages / throughput.Jobs:0.0} per job): " +
            $"{throughput.SagaEventsPerSecond:0.0} events/s; {retries} retried attempts");
        foreach (var (exception, count) in throughput.SagaFaults.OrderByDescending(f => f.Value))
            Console.WriteLine($"            {count} failed attempts: {exception}");
        var pool = throughput.ThreadPool;
        Console.WriteLine($"thread pool {pool.ThreadsAtStart} -> {pool.ThreadsAtEnd} threads; a queued work item waited " +
            $"p50 {pool.WaitP50Ms:0.0} ms, max {pool.WaitMaxMs:0} ms ({pool.Samples} samples)");
        Console.WriteLine("consumers   (by total time: count, mean, max)");
        foreach (var (consumer, time) in throughput.Consumers.OrderByDescending(c => c.Value.Total))
            Console.WriteLine($"  {consumer,-50} {time.Count,6} x {time.Mean.TotalMilliseconds,8:0.0} ms, max {time.Max.TotalMilliseconds,7:0} ms");
        if (floor is not null)
            Console.WriteLine($"floor       {floor.Messages} messages in {floor.Elapsed.TotalSeconds:0.00} s: " +
                $"{floor.MessagesPerSecond:0.0} msgs/s; ratio saga/floor {ratio:0.00} (goal >= {GoalRatio})");
        if (lateness is not null)
            Console.WriteLine($"lateness    {lateness.Jobs} jobs over {options.Spread.TotalSeconds:0} s: p50 {lateness.P50:0.0} ms, " +
                $"p99 {lateness.P99:0.0} ms, max {lateness.Max:0.0} ms, {lateness.Early} early (goal p99 <= {GoalP99Ms} ms, 0 early); " +
                $"{lateness.PreLate} had PRE still running at their date, p99 of the others {lateness.TriggerP99:0.0} ms");
        Console.WriteLine($"service warnings/errors: {(serviceLogs.Count == 0 ? "none" : "")}");
        foreach (var (entry, count) in serviceLogs.OrderByDescending(l => l.Value).Take(10))
            Console.WriteLine($"  {count,6} x {Shorten(entry)}");

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            machine = new
            {
                cores = Environment.ProcessorCount,
                os = RuntimeInformation.OSDescription,
                dotnet = RuntimeInformation.FrameworkDescription,
            },
            date = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            parameters = new
            {
                jobs = options.Jobs,
                scheduled = options.SkipLateness ? (int?)null : options.Scheduled,
                spreadSeconds = options.SkipLateness ? (double?)null : options.Spread.TotalSeconds,
                floor = !options.SkipFloor,
            },
            warmUpSeconds = Math.Round(warmUp.TotalSeconds, 2),
            jobsPerSecond = Round(throughput.JobsPerSecond),
            sagaEventsPerSecond = Round(throughput.SagaEventsPerSecond),
            sagaMessages = throughput.SagaMessages,
            sagaRetries = retries,
            threadPool = new { threadsAtStart = pool.ThreadsAtStart, threadsAtEnd = pool.ThreadsAtEnd, maxWaitMs = Round(pool.WaitMaxMs) },
            floorMessagesPerSecond = floor is null ? (double?)null : Round(floor.MessagesPerSecond),
            ratio = ratio is { } r ? Math.Round(r, 3) : (double?)null,
            latenessMs = lateness is null ? null : new { p50 = Round(lateness.P50), p99 = Round(lateness.P99), max = Round(lateness.Max) },
            early = lateness?.Early,
            preLate = lateness?.PreLate,
            triggerP99Ms = lateness is null || double.IsNaN(lateness.TriggerP99) ? (double?)null : Round(lateness.TriggerP99),
            goals = new
            {
                jobsPerSecond = throughput.JobsPerSecond >= GoalJobsPerSecond,
                ratio = ratio >= GoalRatio,
                noneEarly = lateness is null ? (bool?)null : lateness.Early == 0,
                p99 = lateness is null ? (bool?)null : lateness.P99 <= GoalP99Ms,
            },
        }, Json));
    }

    static double Round(double value) => Math.Round(value, 1);

    static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= 160 ? line : line[..160] + "...";
    }
}
