using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace JobMonitor.Bench;

/// <summary>The human summary, then the one-line JSON record (last line of output, for scripts).</summary>
public static class Report
{
    const double GoalRatio = 0.5;
    const double GoalP99Ms = 100;
    const double GoalMinuteP99Ms = 1000;
    const double GoalRssMb = 300;
    const double GoalCreateToPreMs = 50;

    // Relaxed: the line is read by people and scripts, not embedded in HTML ("+00:00" rather than "\u002B00:00").
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Print(BenchOptions options, TimeSpan warmUp, Responsiveness.Result? idle, Throughput.Result? throughput,
        Floor.Result? floor, Ceilings? ceilings, Lateness.Result? lateness, IReadOnlyDictionary<string, long> serviceLogs)
    {
        // Issue 11's ratio: jobs/s against the floor's jobs/s, a job being at least Floor.MessagesPerJob durable transitions.
        var floorJobsPerSecond = floor is null ? (double?)null : floor.MessagesPerSecond / Floor.MessagesPerJob;
        var ratio = throughput is null || floorJobsPerSecond is null ? (double?)null : throughput.JobsPerSecond / floorJobsPerSecond;
        // The lateness goal of the default run (500 over 30 s), or of the 10,000-job minute.
        var p99Goal = options.Scheduled >= 10_000 ? GoalMinuteP99Ms : GoalP99Ms;

        Console.WriteLine();
        Console.WriteLine("== JobMonitor bench ==");
        if (idle is not null)
            Console.WriteLine($"idle        create -> PRE started, {idle.Jobs} creates one at a time: p50 {idle.P50Ms:0.0} ms, " +
                $"max {idle.MaxMs:0.0} ms (goal p50 <= {GoalCreateToPreMs} ms)");
        if (throughput is not null)
            PrintThroughput(throughput);
        if (floor is not null)
            Console.WriteLine($"floor       {floor.Messages} messages in {floor.Elapsed.TotalSeconds:0.00} s: " +
                $"{floor.MessagesPerSecond:0.0} msgs/s = {floorJobsPerSecond:0.0} jobs/s at {Floor.MessagesPerJob} per job; " +
                $"ratio jobs/s / floor jobs/s {ratio:0.00} (goal >= {GoalRatio})");
        if (ceilings is not null)
        {
            Console.WriteLine($"ceilings    against the floor run again before and after them: {ceilings.RawBefore.MessagesPerSecond:0.0} " +
                $"and {ceilings.RawAfter.MessagesPerSecond:0.0} msgs/s");
            foreach (var (_, what, messagesPerSecond, ofFloor) in ceilings.Rows)
                Console.WriteLine($"  {what,-45} {messagesPerSecond,7:0.0} msgs/s = {messagesPerSecond / Floor.MessagesPerJob,6:0.0} jobs/s, " +
                    $"{ofFloor:0.00} of the floor");
        }
        if (lateness is not null)
            Console.WriteLine($"lateness    {lateness.Jobs} jobs over {options.Spread.TotalSeconds:0} s: p50 {lateness.P50:0.0} ms, " +
                $"p99 {lateness.P99:0.0} ms, max {lateness.Max:0.0} ms, {lateness.Early} early (goal p99 <= {p99Goal} ms, 0 early); " +
                $"{lateness.PreLate} had PRE still running at their date, p99 of the others {lateness.TriggerP99:0.0} ms; " +
                $"{lateness.Stranded} stranded, {lateness.NotStarted} never started RUN");
        Console.WriteLine($"service warnings/errors: {(serviceLogs.Count == 0 ? "none" : "")}");
        foreach (var (entry, count) in serviceLogs.OrderByDescending(l => l.Value).Take(10))
            Console.WriteLine($"  {count,6} x {Shorten(entry)}");

        var pool = throughput?.ThreadPool;
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            machine = new
            {
                cores = Environment.ProcessorCount,
                os = RuntimeInformation.OSDescription,
                dotnet = RuntimeInformation.FrameworkDescription,
                loadAverage = LoadAverage(),
            },
            date = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            parameters = new
            {
                jobs = throughput?.Jobs,
                warmUpJobs = options.WarmUp,
                scheduled = options.SkipLateness ? (int?)null : options.Scheduled,
                spreadSeconds = options.SkipLateness ? (double?)null : options.Spread.TotalSeconds,
                floor = floor is not null,
            },
            warmUpSeconds = Math.Round(warmUp.TotalSeconds, 2),
            createToPreMs = idle is null ? null : new { p50 = Round(idle.P50Ms), max = Round(idle.MaxMs) },
            jobsPerSecond = Round(throughput?.JobsPerSecond),
            sagaMessages = throughput?.SagaMessages,
            sagaMessagesPerJob = Round((double?)throughput?.SagaMessages / throughput?.Jobs),
            sagaRetries = throughput is null ? (long?)null : throughput.SagaAttempts - throughput.SagaMessages,
            threadPool = pool is null ? null : new { threadsAtStart = pool.ThreadsAtStart, threadsAtEnd = pool.ThreadsAtEnd, maxWaitMs = Round(pool.WaitMaxMs) },
            rssMb = Round(pool?.RssPeakMb),
            perJob = throughput?.Cost is { } cost ? new
            {
                cpuMs = Round(cost.CpuMs),
                allocatedKb = Round(cost.AllocatedKb),
                gcPauseMs = Round(cost.GcPauseMs),
                dbRoundTrips = Round(cost.DbRoundTrips),
                dbTransactions = Round(cost.DbTransactions),
                brokerSends = Round(cost.BrokerSends),
                jitMs = Round(cost.JitMs),
            } : null,
            floorMessagesPerSecond = Round(floor?.MessagesPerSecond),
            floorJobsPerSecond = Round(floorJobsPerSecond),
            ratio = Round3(ratio),
            // Each ceiling against the floor around it: the ratio nothing built on that much of the stack could pass.
            ceilings = ceilings is null ? null : new
            {
                floorMessagesPerSecond = Round(ceilings.FloorMessagesPerSecond),
                rows = ceilings.Rows.ToDictionary(c => c.Name, c => new
                {
                    messagesPerSecond = Round(c.MessagesPerSecond),
                    ratio = Round3(c.OfFloor),
                }),
            },
            latenessMs = lateness is null ? null : new { p50 = Round(lateness.P50), p99 = Round(lateness.P99), max = Round(lateness.Max) },
            early = lateness?.Early,
            stranded = lateness?.Stranded,
            runNotStarted = lateness?.NotStarted,
            preLate = lateness?.PreLate,
            triggerP99Ms = Round(lateness?.TriggerP99),
            goals = new
            {
                ratio = ratio >= GoalRatio,
                rss = pool is null ? (bool?)null : pool.RssPeakMb <= GoalRssMb,
                createToPre = idle is null ? (bool?)null : idle.P50Ms <= GoalCreateToPreMs,
                noneEarly = lateness is null ? (bool?)null : lateness.Early == 0,
                p99 = lateness is null ? (bool?)null : lateness.P99 <= p99Goal,
                noneStranded = lateness is null ? (bool?)null : lateness.Stranded == 0 && lateness.NotStarted == 0,
            },
        }, Json));
    }

    static void PrintThroughput(Throughput.Result throughput)
    {
        Console.WriteLine($"throughput  {throughput.Jobs} jobs in {throughput.Elapsed.TotalSeconds:0.00} s: {throughput.JobsPerSecond:0.0} jobs/s");
        Console.WriteLine($"saga        {throughput.SagaMessages} messages ({(double)throughput.SagaMessages / throughput.Jobs:0.0} per job): " +
            $"{throughput.SagaEventsPerSecond:0.0} events/s; {throughput.SagaAttempts - throughput.SagaMessages} retried attempts");
        foreach (var (exception, count) in throughput.SagaFaults.OrderByDescending(f => f.Value))
            Console.WriteLine($"            {count} failed attempts: {exception}");
        var pool = throughput.ThreadPool;
        Console.WriteLine($"thread pool {pool.ThreadsAtStart} -> {pool.ThreadsAtEnd} threads; a queued work item waited " +
            $"p50 {pool.WaitP50Ms:0.0} ms, max {pool.WaitMaxMs:0} ms ({pool.Samples} samples); process RSS peak {pool.RssPeakMb:0} MB");
        var cost = throughput.Cost;
        Console.WriteLine($"per job     {cost.CpuMs:0.0} ms CPU of the process ({cost.JitMs:0.0} ms compiling code), {cost.AllocatedKb:0} KB allocated, " +
            $"{cost.GcPauseMs:0.0} ms GC pause, " +
            $"{cost.DbRoundTrips:0.0} PostgreSQL round trips in {cost.DbTransactions:0.0} transactions, {cost.BrokerSends:0.0} messages sent to RabbitMQ");
        Console.WriteLine("consumers   (by total time: count, mean, max)");
        foreach (var (consumer, time) in throughput.Consumers.OrderByDescending(c => c.Value.Total))
            Console.WriteLine($"  {consumer,-50} {time.Count,6} x {time.Mean.TotalMilliseconds,8:0.0} ms, max {time.Max.TotalMilliseconds,7:0} ms");
    }

    /// <summary>The 1-minute load average at the end of the run (Linux): other processes on the machine skew every figure.</summary>
    static double? LoadAverage() =>
        File.Exists("/proc/loadavg")
        && double.TryParse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture, out var load)
            ? load
            : null;

    static double? Round3(double? value) => value is { } v ? Math.Round(v, 3) : null;

    static double? Round(double? value) => value is { } v && !double.IsNaN(v) ? Math.Round(v, 1) : null;

    static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= 160 ? line : line[..160] + "...";
    }
}
