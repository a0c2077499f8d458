using System.Text.RegularExpressions;
using JobMonitor.Specs.Contract;

namespace JobMonitor.Specs.Layout;

/// <summary>Persistence/ owns every statement on jobmonitor.jobs; no other folder reads the saga's JSON.</summary>
public sealed partial class PersistenceBoundarySpecs
{
    static readonly string Source = Path.Combine(PublishedContract.Root, "src");
    static readonly string Persistence = Path.Combine(Source, "JobMonitor.Service", "Persistence") + Path.DirectorySeparatorChar;

    // The table in SQL: followed by a space, AS or the end of the line. Metric names (jobmonitor.jobs.recovered) go on.
    [GeneratedRegex(@"jobmonitor\.jobs(?=\s|$)")]
    private static partial Regex JobsTable();

    [GeneratedRegex(@"\bdata\s*->")]
    private static partial Regex SagaJson();

    static IReadOnlyList<string> CodeOutsidePersistence() =>
    [
        .. Directory.GetFiles(Source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(Persistence, StringComparison.Ordinal))
            .Where(f => !Path.GetRelativePath(Source, f).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj")),
    ];

    static IReadOnlyList<string> LinesMatching(Regex pattern) =>
    [
        .. CodeOutsidePersistence().SelectMany(file => File.ReadLines(file)
            .Select((line, index) => (line, index))
            .Where(l => pattern.IsMatch(l.line))
            .Select(l => $"{Path.GetRelativePath(Source, file)}:{l.index + 1}: {l.line.Trim()}")),
    ];

    [Fact]
    public void The_scan_reads_the_service_outside_persistence() =>
        Assert.Contains(CodeOutsidePersistence(), f => f.EndsWith(Path.Combine("Execution", "ExecutionLedger.cs"), StringComparison.Ordinal));

    [Fact]
    public void No_file_outside_persistence_has_sql_on_jobs() => Assert.Empty(LinesMatching(JobsTable()));

    [Fact]
    public void No_file_outside_persistence_reads_the_saga_json() => Assert.Empty(LinesMatching(SagaJson()));
}
