using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Security;
using Npgsql;

namespace JobMonitor.Bench;

/// <summary>
/// The retention sweep at scale: the list bench's jobs (a year of them) with a log, step runs, op runs and a trigger
/// each, then the service's own sweep (<see cref="JobRetention.SweepAsync" />) for the default retention of 90 days,
/// timed as a whole and per batch (a batch is one transaction: its time is how long it holds its locks).
/// </summary>
public static class RetentionBench
{
    static readonly TimeSpan Retention = new JobRetentionOptions().Retention;
    static readonly int Batch = new JobRetentionOptions().RetentionBatch;

    // Four log lines per job; for a started job a step run and an op run per step, PRE, RUN and POST; a fired RUN trigger.
    const string Execution = """
        INSERT INTO jobmonitor.job_log (job_id, exec, step, op, level, text, at)
        SELECT id, 1, line.step, 'deploy', 'info', 'bench line ' || line.n || ' of ' || key, coalesce(started_at, created_at)
        FROM jobmonitor.jobs, unnest(ARRAY['Init', 'Pre', 'Run', 'Post']) WITH ORDINALITY AS line(step, n);

        INSERT INTO jobmonitor.step_runs (step_run_id, job_id, worker, claimed_at, heartbeat_at, finished_at)
        SELECT gen_random_uuid(), id, 'bench-worker', started_at, coalesce(ended_at, started_at), ended_at
        FROM jobmonitor.jobs, generate_series(1, 3)
        WHERE started_at IS NOT NULL;

        INSERT INTO jobmonitor.op_runs (step_run_id, op_index, job_id, worker, started_at, ended_at, outcome)
        SELECT step_run_id, 0, job_id, worker, claimed_at, finished_at, CASE WHEN finished_at IS NULL THEN NULL ELSE 'success' END
        FROM jobmonitor.step_runs;

        INSERT INTO jobmonitor.job_triggers (job_id, kind, job_key, due_at, token, hangfire_job_id, armed_at, fired_at)
        SELECT id, 'RunGate', key, scheduled_at, 1, 'bench-' || key, created_at, scheduled_at
        FROM jobmonitor.jobs;
        """;

    const string Rows = """
        SELECT (SELECT count(*) FROM jobmonitor.job_log) + (SELECT count(*) FROM jobmonitor.step_runs)
             + (SELECT count(*) FROM jobmonitor.op_runs) + (SELECT count(*) FROM jobmonitor.job_triggers)
        """;

    public sealed record Result(
        int Jobs, long ExecutionRows, TimeSpan Load, long Eligible, PurgedJobs Purged, TimeSpan Sweep,
        IReadOnlyList<double> BatchMs, TimeSpan Fold, bool CountsMatchList, long JobsLeft);

    public static async Task<Result> RunAsync(BenchOptions options)
    {
        await using var bench = await BenchDatabase.CreateAsync(options, "jm_bench_retention_");
        var database = bench.DataSource;
        var now = DateTimeOffset.UtcNow;
        Console.WriteLine($"retention: loading {options.RetentionJobs:N0} jobs with COPY, then their log, runs and triggers...");
        var clock = Stopwatch.StartNew();
        // Loaded without the list indexes, which are built afterwards: the sweep deletes under every index the service has.
        var indexes = await ListBench.DropListIndexesAsync(bench);
        await ListData.LoadAsync(database, options.RetentionJobs, now);
        await bench.ExecuteAsync(Execution, TimeSpan.FromHours(1));
        await bench.ExecuteAsync(indexes, TimeSpan.FromHours(1));
        await JobCounts.FoldAsync(database, CancellationToken.None);
        await bench.ExecuteAsync("VACUUM ANALYZE", TimeSpan.FromHours(1));
        var load = clock.Elapsed;
        var rows = await bench.ScalarAsync(Rows);
        var before = now - Retention;
        var eligible = await EligibleAsync(database, before);
        Console.WriteLine($"retention: loaded {rows:N0} execution rows in {load.TotalSeconds:0} s; {eligible:N0} jobs ended more than {Retention.TotalDays} days ago; sweeping...");

        var batches = new BatchClock();
        clock.Restart();
        var purged = await JobRetention.SweepAsync(database, before, Batch, CancellationToken.None, batches);
        var sweep = clock.Elapsed;
        clock.Restart();
        await JobCounts.FoldAsync(database, CancellationToken.None);
        var fold = clock.Elapsed;

        var counted = await new JobReadStore(database).CountAsync(new JobListFilter(), [ScopePattern.Parse("*/*")], CancellationToken.None);
        var listed = await ListedAsync(database);
        var matches = counted.Count == listed.Count && counted.All(c => listed.TryGetValue(c.Key.StateName(), out var n) && n == c.Value);
        return new Result(options.RetentionJobs, rows, load, eligible, purged, sweep, batches.Laps, fold, matches,
            await bench.ScalarAsync("SELECT count(*) FROM jobmonitor.jobs"));
    }

    public static void Print(Result result)
    {
        var batches = result.BatchMs.Order().ToList();
        var rowsPerSecond = (result.Purged.Jobs + result.Purged.Rows) / result.Sweep.TotalSeconds;
        Console.WriteLine();
        Console.WriteLine($"== JobMonitor retention bench: {result.Jobs:N0} jobs, {result.ExecutionRows:N0} log/run/trigger rows (loaded in {result.Load.TotalSeconds:0} s) ==");
        Console.WriteLine($"eligible (ended > {Retention.TotalDays} days ago): {result.Eligible:N0}; purged {result.Purged.Jobs:N0} jobs and {result.Purged.Rows:N0} rows " +
            $"in {result.Sweep.TotalSeconds:0.0} s: {result.Purged.Jobs / result.Sweep.TotalSeconds:N0} jobs/s, {rowsPerSecond:N0} rows/s");
        Console.WriteLine($"batches of {Batch}: {batches.Count}, p50 {Lateness.Percentile(batches, 0.5):0} ms, p99 {Lateness.Percentile(batches, 0.99):0} ms, " +
            $"max {batches.LastOrDefault():0} ms; count fold afterwards {result.Fold.TotalMilliseconds:0} ms; counts match the list: {result.CountsMatchList}; jobs left {result.JobsLeft:N0}");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            machine = new { cores = Environment.ProcessorCount, os = RuntimeInformation.OSDescription, dotnet = RuntimeInformation.FrameworkDescription },
            date = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            jobs = result.Jobs,
            executionRows = result.ExecutionRows,
            eligible = result.Eligible,
            purgedJobs = result.Purged.Jobs,
            purgedRows = result.Purged.Rows,
            sweepSeconds = Math.Round(result.Sweep.TotalSeconds, 1),
            jobsPerSecond = Math.Round(result.Purged.Jobs / result.Sweep.TotalSeconds),
            rowsPerSecond = Math.Round(rowsPerSecond),
            batch = Batch,
            batchMs = new { p50 = Math.Round(Lateness.Percentile(batches, 0.5), 1), p99 = Math.Round(Lateness.Percentile(batches, 0.99), 1), max = Math.Round(batches.LastOrDefault(), 1) },
            foldMs = Math.Round(result.Fold.TotalMilliseconds),
            countsMatchList = result.CountsMatchList,
        }, Report.Json));
    }

    static async Task<long> EligibleAsync(NpgsqlDataSource database, DateTimeOffset before)
    {
        await using var command = database.CreateCommand("SELECT count(*) FROM jobmonitor.jobs WHERE ended_at < @before AND status = ANY(@ended)");
        command.Parameters.AddWithValue("before", before);
        command.Parameters.AddWithValue("ended", JobRetention.EndedStatuses.ToArray());
        return (long)(await command.ExecuteScalarAsync())!;
    }

    static async Task<Dictionary<string, long>> ListedAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand("SELECT status, count(*) FROM jobmonitor.jobs GROUP BY status");
        await using var reader = await command.ExecuteReaderAsync();
        var listed = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
            listed[reader.GetString(0)] = reader.GetInt64(1);
        return listed;
    }

    /// <summary>Times each batch from the end of the one before (synchronously: <see cref="Progress{T}" /> would post).</summary>
    sealed class BatchClock : IProgress<PurgedJobs>
    {
        readonly Stopwatch lap = Stopwatch.StartNew();

        public List<double> Laps { get; } = [];

        public void Report(PurgedJobs value)
        {
            Laps.Add(lap.Elapsed.TotalMilliseconds);
            lap.Restart();
        }
    }
}
