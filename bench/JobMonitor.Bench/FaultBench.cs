using JobMonitor.Faults;

namespace JobMonitor.Bench;

/// <summary>The fault suite's rows (tests/JobMonitor.Faults), one after the other, measured rather than asserted.</summary>
public static class FaultBench
{
    /// <summary>A row's figures, or why it could not be measured.</summary>
    public sealed record Row(string Name, FaultFigures? Figures, string? Failure);

    public static async Task<IReadOnlyList<Row>> RunAsync(IReadOnlyList<string> only)
    {
        var servers = FaultServers.FromEnvironment();
        var rows = new List<Row>();
        foreach (var (name, run) in FaultRows.All.Where(r => only.Count == 0 || only.Any(o => r.Name.Contains(o, StringComparison.OrdinalIgnoreCase))))
        {
            Console.WriteLine($"{name}: {FaultLoad.Jobs} jobs...");
            try
            {
                var figures = await run(servers);
                Console.WriteLine($"  {figures}");
                rows.Add(new Row(name, figures, null));
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException or InvalidOperationException or HttpRequestException or Npgsql.NpgsqlException)
            {
                // A row that cannot even start (instances never ready, steps never in flight) is a figure too.
                Console.WriteLine($"  not measured: {e.Message}");
                rows.Add(new Row(name, null, e.Message));
            }
        }
        return rows;
    }
}
