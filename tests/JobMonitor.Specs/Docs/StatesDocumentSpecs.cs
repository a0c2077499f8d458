using JobMonitor.Specs.Contract;
using JobMonitor.Specs.Jobs;

namespace JobMonitor.Specs.Docs;

/// <summary>
/// docs/states.md is what <see cref="StatesDocument" /> draws from the saga. After changing the saga's declaration or
/// <c>JobCommandRules</c>, rewrite it with
/// <c>JOBMONITOR_WRITE_DOCS=1 dotnet test tests/JobMonitor.Specs -c Release --filter "FullyQualifiedName~StatesDocumentSpecs"</c>.
/// </summary>
public sealed class StatesDocumentSpecs(JobHarnessFixture fixture) : IClassFixture<JobHarnessFixture>
{
    [Fact]
    public void The_published_status_graph_is_the_one_the_saga_declares()
    {
        var path = System.IO.Path.Combine(PublishedContract.Root, StatesDocument.Path);
        var drawn = StatesDocument.Write(fixture.Jobs.Machine);
        if (Environment.GetEnvironmentVariable("JOBMONITOR_WRITE_DOCS") == "1")
            File.WriteAllText(path, drawn);

        Assert.True(File.Exists(path) && drawn == File.ReadAllText(path), StatesDocument.OutOfDate);
    }

    [Fact]
    public void The_graph_shows_the_declared_command_transitions()
    {
        var lines = StatesDocument.DeclaredTransitions(fixture.Jobs.Machine);

        Assert.Contains("WaitingForApproval --> Rejected : RejectJob", lines);
        Assert.Contains("Trapped --> TrapPaused : PauseTrap", lines);
        Assert.Contains("TrapPaused --> Trapped : ResumeTrap", lines);
        Assert.Contains("Running --> Canceled : CancelJob", lines);
        Assert.Contains("Running --> Abend : StepRunAbandoned", lines);
        Assert.Contains("Finished --> [*] : DeleteJob", lines);
        Assert.DoesNotContain("Running --> [*] : DeleteJob", lines);
    }
}
