using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Lifecycle;

/// <summary>Delete removes a resting job from the monitor and purges its log and execution rows; the audit entry stays.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class DeleteTests(ServiceHostFixture host)
{
    const string Pipeline = """
        {
          "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deploying cart" } }]
        }
        """;

    readonly LifecycleJobs _jobs = new(host);

    [Fact]
    public async Task A_deleted_finished_job_is_gone_with_its_log_and_runs_and_its_audit_row_remains()
    {
        var jobId = await _jobs.CreateAsync(Pipeline);
        await _jobs.WaitForStatusAsync(jobId, "Finished");
        Assert.NotEmpty(await _jobs.LogTextsAsync(jobId));

        await _jobs.SendAsync("DeleteJob", jobId, "\"comment\": \"clean-up\"");

        await ServiceHostFixture.WaitUntilAsync(async () => await _jobs.Api.FindAsync(jobId) is null,
            TimeSpan.FromSeconds(20), $"GET /api/jobs/{jobId} to be 404");
        using var log = await host.Client.GetAsync($"/api/jobs/{jobId}/log", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, log.StatusCode);
        foreach (var table in new[] { "job_log", "step_runs", "op_runs", "job_recoveries" })
            Assert.Equal(0L, await _jobs.ScalarAsync<long>($"SELECT count(*) FROM jobmonitor.{table} WHERE job_id = @id", jobId));
        Assert.Equal(0L, await _jobs.ScalarAsync<long>("SELECT count(*) FROM jobmonitor.jobs WHERE id = @id", jobId));
        var audit = Assert.Single(await _jobs.AuditAsync(jobId));
        Assert.Equal(("delete", "clean-up", "Finished", "Deleted"), (audit.Action, audit.Comment, audit.From, audit.To));
    }
}
