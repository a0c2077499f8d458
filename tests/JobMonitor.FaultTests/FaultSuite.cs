using System.Runtime.CompilerServices;
using JobMonitor.Faults;

namespace JobMonitor.FaultTests;

/// <summary>
/// The fault suite: one collection, run serially (the rows stop and start shared fault servers), and only when
/// JOBMONITOR_FAULT_SUITE=1, with the servers of <c>jm_faults_services_up</c> (scripts/lib/services.sh).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultSuite
{
    public const string Name = "Fault suite";

    public const string Off = "The fault suite runs with JOBMONITOR_FAULT_SUITE=1 (and its own servers: scripts/lib/services.sh).";

    public static bool Enabled => FaultServers.Enabled;

    /// <summary>Runs a row, prints its figures (whatever the asserts then say) and returns them.</summary>
    public static async Task<FaultFigures> RunAsync(Func<FaultServers, Task<FaultFigures>> row)
    {
        var figures = await row(FaultServers.FromEnvironment());
        TestContext.Current.TestOutputHelper?.WriteLine(figures.ToString());
        return figures;
    }
}

/// <summary>A fault row's test: skipped unless <see cref="FaultSuite.Enabled"/>.</summary>
public sealed class FaultFactAttribute : FactAttribute
{
    public FaultFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        Skip = FaultSuite.Off;
        SkipUnless = nameof(FaultSuite.Enabled);
        SkipType = typeof(FaultSuite);
    }
}

/// <summary>Fault rows played with several parameters: skipped unless <see cref="FaultSuite.Enabled"/>.</summary>
public sealed class FaultTheoryAttribute : TheoryAttribute
{
    public FaultTheoryAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        Skip = FaultSuite.Off;
        SkipUnless = nameof(FaultSuite.Enabled);
        SkipType = typeof(FaultSuite);
    }
}
