using System.Net;
using System.Text.Json;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Lifecycle;

namespace JobMonitor.IntegrationTests.Actions;

/// <summary>GET /api/jobs/{id}: the actions the caller may take now, approvals, audit, trap and links.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class DashboardTests(ServiceHostFixture host)
{
    readonly ActionCalls _calls = new(host);

    [Fact]
    public async Task The_allowed_actions_depend_on_the_callers_permissions()
    {
        var jobId = await _calls.Jobs.CreateAsync(ActionApiTests.ApprovalPipeline);
        await _calls.Jobs.WaitForStatusAsync(jobId, "Waiting for Approval");

        var admin = await DashboardAsync(TestUsers.Admin, jobId);
        var viewer = await DashboardAsync(TestUsers.Viewer, jobId);
        var releaseManager = await DashboardAsync(TestUsers.ReleaseManager, jobId);
        var shopOperator = await DashboardAsync(TestUsers.ShopOperator, jobId);

        Assert.Equal(["rerun", "cancel", "approve", "reject", "reschedule", "delete"], Actions(admin));
        Assert.Empty(Actions(viewer));
        Assert.Equal(["approve", "reject"], Actions(releaseManager));
        Assert.Equal(["rerun", "cancel", "reschedule"], Actions(shopOperator));
        Assert.Equal(["ana", "role:release-managers"], admin.GetProperty("approvers").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task The_dashboard_shows_approvals_the_audit_trail_and_links()
    {
        var jobId = await _calls.Jobs.CreateAsync(ActionApiTests.ApprovalPipeline, DateTimeOffset.UtcNow.AddHours(2));
        await _calls.Jobs.WaitForStatusAsync(jobId, "Waiting for Approval");
        await _calls.AcceptedAsync(TestUsers.Ana, jobId, "approve", new { comment = "ship it" });
        await _calls.Jobs.WaitAtRunGateAsync(jobId);

        // The RUN gate's trigger is armed by a message of its own, just after the job reached the gate.
        var job = default(JsonElement);
        await ServiceHostFixture.WaitUntilAsync(async () =>
        {
            job = await DashboardAsync(TestUsers.Admin, jobId);
            return job.GetProperty("links").GetProperty("hangfire").GetString()!.StartsWith("/hangfire/jobs/details/", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10), "the link to the RUN gate's Hangfire job");

        var approval = Assert.Single(job.GetProperty("approvals").EnumerateArray());
        Assert.Equal(("ana", "approved", "ship it"), (approval.GetProperty("user").GetString(),
            approval.GetProperty("decision").GetString(), approval.GetProperty("comment").GetString()));
        var audit = Assert.Single(job.GetProperty("audit").EnumerateArray());
        Assert.Equal(("ana", "approve", "Waiting for Approval", "Ready"), (audit.GetProperty("user").GetString(),
            audit.GetProperty("action").GetString(), audit.GetProperty("fromStatus").GetString(), audit.GetProperty("toStatus").GetString()));
        var links = job.GetProperty("links");
        Assert.Equal($"/api/jobs/{jobId}/log", links.GetProperty("log").GetString());
        Assert.Equal(JsonValueKind.Null, links.GetProperty("trace").ValueKind);
        Assert.Equal(32, job.GetProperty("traceId").GetString()?.Length);
        Assert.Equal(JsonValueKind.Null, job.GetProperty("trap").ValueKind);
    }

    [Fact]
    public async Task A_trapped_job_shows_its_trap_with_the_time_left()
    {
        const string pipeline = """
            { "run": [{ "name": "deploy", "kind": "script", "params": { "script": "fail" }, "onError": "trap", "trapTimeout": "PT1H" }] }
            """;
        var jobId = await _calls.Jobs.CreateAsync(pipeline);
        await _calls.Jobs.WaitForStatusAsync(jobId, "Trapped");
        await _calls.AcceptedAsync(TestUsers.Admin, jobId, "trap/pause");
        await _calls.Jobs.WaitForStatusAsync(jobId, "Trap Paused");

        var trap = (await DashboardAsync(TestUsers.Admin, jobId)).GetProperty("trap");

        Assert.Equal(("deploy", "RUN", true), (trap.GetProperty("op").GetString(), trap.GetProperty("step").GetString(), trap.GetProperty("paused").GetBoolean()));
        Assert.InRange(trap.GetProperty("remaining").GetDouble(), 3000, 3600);
    }

    [Fact]
    public async Task A_job_outside_the_callers_scope_is_404()
    {
        var jobId = await _calls.CreateAsync("bank", LifecycleJobs.LogOnlyPipeline);

        using var response = await _calls.As(TestUsers.ShopOperator).GetAsync($"/api/jobs/{jobId}");
        using var log = await _calls.As(TestUsers.ShopOperator).GetAsync($"/api/jobs/{jobId}/log");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, log.StatusCode);
    }

    async Task<JsonElement> DashboardAsync(string user, Guid jobId) =>
        JsonDocument.Parse(await _calls.As(user).GetStringAsync($"/api/jobs/{jobId}")).RootElement.Clone();

    static List<string?> Actions(JsonElement job) =>
        job.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()).ToList();
}
