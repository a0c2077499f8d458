using JobMonitor.Contracts;
using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Lifecycle;

/// <summary>Every command is applied once, against the version it expects, in a status that allows it — or rejected with a reason.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class CommandRuleTests(ServiceHostFixture host)
{
    const string Pipeline = """
        {
          "pre":  [{ "name": "build", "kind": "log", "params": { "message": "built" } }],
          "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deploying cart" } }]
        }
        """;

    readonly LifecycleJobs _jobs = new(host);

    [Fact]
    public async Task A_command_id_seen_twice_is_applied_once_and_acknowledged_as_a_duplicate()
    {
        var jobId = await _jobs.CreateAsync(Pipeline, DateTimeOffset.UtcNow.AddHours(2));
        await _jobs.WaitAtRunGateAsync(jobId);
        await using var answers = await CommandAnswers.ListenAsync(host.Services);
        var commandId = Guid.NewGuid();

        await _jobs.SendAsync("RerunJob", jobId, commandId, "\"step\": \"RUN\", \"runNow\": true");
        var first = Assert.IsType<JobCommandAccepted>(Assert.Single(await answers.WaitForAsync(commandId)));
        var job = await _jobs.WaitForStatusAsync(jobId, "Finished");
        await _jobs.SendAsync("RerunJob", jobId, commandId, "\"step\": \"RUN\", \"runNow\": true");

        var second = Assert.IsType<JobCommandAccepted>((await answers.WaitForAsync(commandId, 2))[1]);
        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
        Assert.Equal(job.GetProperty("version").GetInt32(), second.Version);
        var after = (await _jobs.Api.FindAsync(jobId))!.Value;
        Assert.Equal(2, after.GetProperty("exec").GetInt32());
        Assert.Equal(job.GetProperty("version").GetInt32(), after.GetProperty("version").GetInt32());
        Assert.Single(await _jobs.AuditAsync(jobId));
    }

    [Fact]
    public async Task A_command_with_a_stale_expected_version_is_rejected_and_changes_nothing()
    {
        var jobId = await _jobs.CreateAsync(Pipeline, DateTimeOffset.UtcNow.AddHours(2));
        var job = await _jobs.WaitAtRunGateAsync(jobId);
        var version = job.GetProperty("version").GetInt32();
        await using var answers = await CommandAnswers.ListenAsync(host.Services);

        var cancel = await _jobs.SendAsync("CancelJob", jobId, $"\"expectedVersion\": {version - 1}");

        var rejection = await answers.RejectionOfAsync(cancel);
        Assert.Equal(("stale_version", "expectedVersion"), (rejection.ReasonCode, rejection.Field));
        await AssertUnchangedAsync(jobId, job);
    }

    [Fact]
    public async Task A_command_for_an_unknown_job_is_rejected_as_not_found()
    {
        var jobId = Guid.NewGuid();
        await using var answers = await CommandAnswers.ListenAsync(host.Services);

        var cancel = await _jobs.SendAsync("CancelJob", jobId);

        var rejection = await answers.RejectionOfAsync(cancel);
        Assert.Equal(("job_not_found", jobId, "CancelJob"), (rejection.ReasonCode, rejection.JobId, rejection.Command));
        Assert.Null(await _jobs.Api.FindAsync(jobId));
    }

    [Fact]
    public async Task A_command_not_allowed_in_the_status_is_rejected_and_changes_nothing()
    {
        var jobId = await _jobs.CreateAsync(Pipeline);
        var job = await _jobs.WaitForStatusAsync(jobId, "Finished");
        await using var answers = await CommandAnswers.ListenAsync(host.Services);

        var cancel = await _jobs.SendAsync("CancelJob", jobId);
        var approve = await _jobs.SendAsync("ApproveJob", jobId);

        Assert.Equal("not_allowed_in_status", (await answers.RejectionOfAsync(cancel)).ReasonCode);
        Assert.Equal("not_allowed_in_status", (await answers.RejectionOfAsync(approve)).ReasonCode);
        await AssertUnchangedAsync(jobId, job);
    }

    async Task AssertUnchangedAsync(Guid jobId, System.Text.Json.JsonElement before)
    {
        var after = (await _jobs.Api.FindAsync(jobId))!.Value;
        foreach (var field in new[] { "status", "step", "exec", "version" })
            Assert.Equal(before.GetProperty(field).ToString(), after.GetProperty(field).ToString());
        Assert.Empty(await _jobs.AuditAsync(jobId));
    }
}
