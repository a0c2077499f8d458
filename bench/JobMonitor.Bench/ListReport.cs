using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace JobMonitor.Bench;

/// <summary>The list benchmark's table (without → with the list indexes), then its one-line JSON record.</summary>
public static class ListReport
{
    const double GoalP95Ms = 25;

    public static void Print(ListBench.Result result)
    {
        Console.WriteLine();
        Console.WriteLine($"== JobMonitor list bench: {result.Jobs:N0} jobs (loaded in {result.Load.TotalSeconds:0} s, " +
            $"list indexes built in {result.Indexing.TotalSeconds:0} s, table + indexes {result.TableBytes / 1024.0 / 1024:N0} MiB) ==");
        Console.WriteLine($"{"query (limit 50)",-62} {"without indexes p50/p95/p99",30} {"with indexes p50/p95/p99",28}");
        foreach (var (before, after) in result.Baseline.Zip(result.Indexed))
            Console.WriteLine($"{after.Name,-62} {Figures(before),30} {Figures(after),28}{(after.P95 <= GoalP95Ms ? "" : "  > goal")}");

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            machine = new { cores = Environment.ProcessorCount, os = RuntimeInformation.OSDescription, dotnet = RuntimeInformation.FrameworkDescription },
            date = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            jobs = result.Jobs,
            loadSeconds = Math.Round(result.Load.TotalSeconds, 1),
            queries = result.Baseline.Zip(result.Indexed).Select(pair => new
            {
                name = pair.Second.Name,
                withoutIndexes = Ms(pair.First),
                withIndexes = Ms(pair.Second),
                goalP95 = pair.Second.P95 <= GoalP95Ms,
            }),
        }, Report.Json));
    }

    static string Figures(ListBench.Timing t) => $"{t.P50,7:0.0} {t.P95,7:0.0} {t.P99,7:0.0} ms";

    static object Ms(ListBench.Timing t) => new { p50 = Math.Round(t.P50, 2), p95 = Math.Round(t.P95, 2), p99 = Math.Round(t.P99, 2), samples = t.Samples };
}
