using System.Text.Json;
using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Lifecycle;

/// <summary>Natures are derived from the revisions' paths when PRE ends; unknown before.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class NatureTests(ServiceHostFixture host)
{
    const string Pipeline = """
        {
          "pre":  [{ "name": "hold", "kind": "delay", "params": { "duration": "PT1S" } }],
          "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deploying cart" } }],
          "post": [{ "name": "notify", "kind": "log", "params": { "message": "post ran" } }]
        }
        """;

    readonly LifecycleJobs _jobs = new(host);

    [Fact]
    public async Task Natures_are_unknown_during_pre_and_derived_from_the_revision_paths_after_it()
    {
        var jobId = await _jobs.CreateAsync(Pipeline);

        var inPre = await _jobs.WaitForStatusAsync(jobId, "Running");
        Assert.Equal("PRE", inPre.GetProperty("step").GetString());
        Assert.Equal(JsonValueKind.Null, inPre.GetProperty("natures").ValueKind);

        var job = await _jobs.WaitForStatusAsync(jobId, "Finished");
        var natures = job.GetProperty("natures").EnumerateArray().Select(n => n.GetString()).ToList();
        Assert.Contains("SQL", natures);
        Assert.Contains(".NET", natures);
    }
}
