using System.Diagnostics;
using System.Text.RegularExpressions;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Security;

namespace JobMonitor.Bench;

/// <summary>
/// The job list at scale: loads N jobs into a fresh database, then times the service's own list and count queries
/// (<see cref="JobReadStore" />) per query shape, first without the list indexes of migrations 0031 and 0062, then with them.
/// </summary>
public static partial class ListBench
{
    // The list indexes: those of 0031, then 0062's trigram index for names in place of 0031's.
    static readonly string[] IndexScripts =
    [
        "JobMonitor.Service.Persistence.Migrations.0031_job_list_indexes.sql",
        "JobMonitor.Service.Persistence.Migrations.0062_job_name_trigram_gist.sql",
    ];
    const int Samples = 200;
    static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    public sealed record Shape(string Name, JobListQuery Query, IReadOnlyList<ScopePattern> Scopes, bool Counts = false);

    public sealed record Timing(string Name, int Samples, double P50, double P95, double P99);

    public sealed record Result(int Jobs, TimeSpan Load, TimeSpan Indexing, long TableBytes, IReadOnlyList<Timing> Baseline, IReadOnlyList<Timing> Indexed);

    static readonly IReadOnlyList<ScopePattern> Everything = [ScopePattern.Parse("*/*")];
    static readonly IReadOnlyList<ScopePattern> Team = [ScopePattern.Parse("shop/*"), ScopePattern.Parse("billing/PROD")];

    public static IReadOnlyList<Shape> Shapes(DateTimeOffset now) =>
    [
        new("Ready+Running, project, newest", Query(new() { Statuses = [JobStatus.Ready, JobStatus.Running], Project = "search" }), Everything),
        new("status Error, newest", Query(new() { Statuses = [JobStatus.Error] }), Everything),
        new("project, newest", Query(new() { Project = "catalog" }), Everything, Counts: true),
        new("no filter, newest", Query(new()), Everything, Counts: true),
        new("no filter, started asc", Query(new()) with { Sort = JobSort.Started, Descending = false }, Everything),
        new("project, ended desc", Query(new() { Project = "payments" }) with { Sort = JobSort.Ended }, Everything),
        new("Finished, scheduled asc", Query(new() { Statuses = [JobStatus.Finished] }) with { Sort = JobSort.Scheduled, Descending = false }, Everything),
        new("nature + environment, newest", Query(new() { Nature = "hotfix", Environment = "PROD" }), Everything, Counts: true),
        new("q name substring, newest", Query(new() { Text = "checkout-api 3." }), Everything, Counts: true),
        new("q key prefix, key asc", Query(new() { Text = "u.prod-0004" }) with { Sort = JobSort.Key, Descending = false }, Everything),
        new("ended last 7 days, ended desc", Query(new() { Ended = new(now.AddDays(-7), null) }) with { Sort = JobSort.Ended }, Everything),
        new("scoped caller (shop/*, billing/PROD), newest", Query(new()), Team, Counts: true),
    ];

    static JobListQuery Query(JobListFilter filter) => new() { Filter = filter, Limit = 50 };

    public static async Task<Result> RunAsync(BenchOptions options)
    {
        await using var bench = await BenchDatabase.CreateAsync(options, "jm_bench_list_");
        var database = bench.DataSource;
        var indexes = await DropListIndexesAsync(bench);

        var now = DateTimeOffset.UtcNow;
        Console.WriteLine($"list: loading {options.ListJobs:N0} jobs with COPY...");
        var clock = Stopwatch.StartNew();
        await ListData.LoadAsync(database, options.ListJobs, now);
        // The load's rows went through the count triggers; fold them as the service does every second.
        await JobCounts.FoldAsync(database, CancellationToken.None);
        await bench.ExecuteAsync("VACUUM ANALYZE jobmonitor.jobs", TimeSpan.FromMinutes(30));
        var load = clock.Elapsed;
        Console.WriteLine($"list: loaded in {load.TotalSeconds:0} s; timing the queries without the list indexes...");
        var store = new JobReadStore(database);
        var shapes = Shapes(now);
        var baseline = await MeasureAsync(store, shapes);

        Console.WriteLine("list: creating the list indexes (migrations 0031 and 0062)...");
        clock.Restart();
        await bench.ExecuteAsync(indexes, TimeSpan.FromMinutes(30));
        await bench.ExecuteAsync("VACUUM ANALYZE jobmonitor.jobs", TimeSpan.FromMinutes(30));
        var indexing = clock.Elapsed;
        Console.WriteLine($"list: indexed in {indexing.TotalSeconds:0} s; timing the queries with them...");
        var indexed = await MeasureAsync(store, shapes);
        var bytes = await bench.ScalarAsync("SELECT pg_total_relation_size('jobmonitor.jobs')");
        return new Result(options.ListJobs, load, indexing, bytes, baseline, indexed);
    }

    static async Task<List<Timing>> MeasureAsync(JobReadStore store, IReadOnlyList<Shape> shapes)
    {
        var timings = new List<Timing>();
        foreach (var shape in shapes)
        {
            var first = await store.ListAsync(shape.Query, shape.Scopes, CancellationToken.None);
            timings.Add(await TimeAsync($"{shape.Name}: first page", () => store.ListAsync(shape.Query, shape.Scopes, CancellationToken.None)));
            if (first.NextCursor is { } cursor)
            {
                var next = shape.Query with { Cursor = cursor };
                timings.Add(await TimeAsync($"{shape.Name}: next page", () => store.ListAsync(next, shape.Scopes, CancellationToken.None)));
            }
            if (shape.Counts)
                timings.Add(await TimeAsync($"{shape.Name}: counts", () => store.CountAsync(shape.Query.Filter, shape.Scopes, CancellationToken.None)));
            Console.WriteLine($"  {timings[^1].Name}: p95 {timings[^1].P95:0.0} ms");
        }
        return timings;
    }

    /// <summary>Up to <see cref="Samples" /> runs after two warm-up runs, fewer when a run is slow (the time budget).</summary>
    static async Task<Timing> TimeAsync<T>(string name, Func<Task<T>> run)
    {
        for (var i = 0; i < 2; i++)
            await run();
        var samples = new List<double>(Samples);
        var budget = Stopwatch.StartNew();
        while (samples.Count < Samples && (samples.Count < 10 || budget.Elapsed < Budget))
        {
            var clock = Stopwatch.StartNew();
            await run();
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }
        samples.Sort();
        return new Timing(name, samples.Count, Lateness.Percentile(samples, 0.50), Lateness.Percentile(samples, 0.95), Lateness.Percentile(samples, 0.99));
    }

    /// <summary>Drops the list indexes of migrations 0031 and 0062 (a load is faster without them); returns the script that makes them.</summary>
    public static async Task<string> DropListIndexesAsync(BenchDatabase bench)
    {
        var indexes = await ReadIndexScriptAsync();
        foreach (var index in IndexName().Matches(indexes).Select(m => m.Groups[1].Value))
            await bench.ExecuteAsync($"DROP INDEX IF EXISTS jobmonitor.{index}", TimeSpan.FromMinutes(1));
        return indexes;
    }

    static async Task<string> ReadIndexScriptAsync()
    {
        var scripts = new List<string>();
        foreach (var name in IndexScripts)
        {
            await using var stream = typeof(DatabaseMigrator).Assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"The service has no embedded {name}.");
            using var reader = new StreamReader(stream);
            scripts.Add(await reader.ReadToEndAsync());
        }
        return string.Join("\n", scripts);
    }

    [GeneratedRegex(@"CREATE INDEX IF NOT EXISTS (\w+)")]
    private static partial Regex IndexName();
}
