using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Lifecycle;

/// <summary>A failed step whose ops need undoing runs the step's rollback ops, then POST; the job ends in Error.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class RollbackTests(ServiceHostFixture host)
{
    const string Pipeline = """
        {
          "pre":  [{ "name": "build", "kind": "log", "params": { "message": "built" } }],
          "run":  [{ "name": "deploy", "kind": "script", "params": { "script": "fail", "args": ["7"] }, "needsRollback": true }],
          "post": [{ "name": "notify", "kind": "log", "params": { "message": "post ran" } }],
          "rollback": { "run": [{ "name": "hold", "kind": "delay", "params": { "duration": "PT1S" } },
                                { "name": "undeploy", "kind": "log", "params": { "message": "undeploying cart" } }] }
        }
        """;

    readonly LifecycleJobs _jobs = new(host);

    [Fact]
    public async Task A_failed_run_that_needs_rollback_runs_the_rollback_ops_then_post_and_ends_in_error()
    {
        var jobId = await _jobs.CreateAsync(Pipeline);

        var rolling = await _jobs.WaitForStatusAsync(jobId, "Rollback");
        Assert.Equal("ROLLBACK RUN", rolling.GetProperty("step").GetString());
        var job = await _jobs.WaitForStatusAsync(jobId, "Error");

        Assert.Contains("code 7", job.GetProperty("lastError").GetString());
        Assert.Equal(["PRE", "RUN", "ROLLBACK RUN", "POST"], job.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString()));
        Assert.Equal(["success", "error", "success", "success"], job.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("outcome").GetString()));
        var log = (await _jobs.Api.LogAsync(jobId)).Select(l => (Step: l.GetProperty("step").GetString(), Text: l.GetProperty("text").GetString())).ToList();
        var undo = log.FindIndex(l => l is { Step: "ROLLBACK RUN", Text: "undeploying cart" });
        var post = log.FindIndex(l => l is { Step: "POST", Text: "post ran" });
        Assert.True(undo >= 0, "the rollback op wrote its line");
        Assert.True(post > undo, "POST runs after the rollback");
    }
}
