using System.Net;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Lifecycle;

namespace JobMonitor.IntegrationTests.Actions;

/// <summary>Each action end to end: HTTP → RabbitMQ → saga → the command's status and the job's new status.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class ActionApiTests(ServiceHostFixture host)
{
    public const string ApprovalPipeline = """
        {
          "pre":  [{ "name": "ask", "kind": "approval", "params": { "approvers": ["ana", "role:release-managers"] } }],
          "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deploying cart" } }],
          "post": [{ "name": "notify", "kind": "log", "params": { "message": "post ran" } }]
        }
        """;

    const string TrapPipeline = """
        {
          "run":  [{ "name": "deploy", "kind": "script", "params": { "script": "fail", "args": ["5"] }, "onError": "trap", "trapTimeout": "PT1H" },
                   { "name": "after", "kind": "log", "params": { "message": "after the trap" } }]
        }
        """;

    readonly ActionCalls _calls = new(host);

    LifecycleJobs Jobs => _calls.Jobs;

    [Fact]
    public async Task A_job_created_through_the_api_is_created_by_the_caller_whatever_the_body_says()
    {
        var create = System.Text.Json.Nodes.JsonNode.Parse(ActionCalls.CreateBody("shop", LifecycleJobs.LogOnlyPipeline).GetRawText())!;
        create["requestedBy"] = "mallory";
        var body = create.ToJsonString();
        using var response = await _calls.As(TestUsers.CiBot).PostAsync("/api/jobs", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var commandId = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("commandId").GetGuid();

        var command = await _calls.WaitForCommandAsync(commandId, TestUsers.CiBot);

        Assert.Equal(("accepted", "CreateJob"), (command.GetProperty("status").GetString(), command.GetProperty("command").GetString()));
        var job = await Jobs.WaitForStatusAsync(command.GetProperty("jobId").GetGuid(), "Finished");
        Assert.Equal("ci-bot", job.GetProperty("createdBy").GetString());
    }

    [Fact]
    public async Task Approve_through_the_api_runs_the_job_to_the_end()
    {
        var jobId = await Jobs.CreateAsync(ApprovalPipeline);
        await Jobs.WaitForStatusAsync(jobId, "Waiting for Approval");

        await _calls.AcceptedAsync(TestUsers.Ana, jobId, "approve", new { comment = "looks good" });

        await Jobs.WaitForStatusAsync(jobId, "Finished");
        Assert.Contains("approved by ana: looks good", await Jobs.LogTextsAsync(jobId));
    }

    [Fact]
    public async Task Reject_through_the_api_needs_a_comment_and_then_rejects_the_job()
    {
        var jobId = await Jobs.CreateAsync(ApprovalPipeline);
        await Jobs.WaitForStatusAsync(jobId, "Waiting for Approval");

        using var bare = await _calls.PostAsync(TestUsers.Ana, $"/api/jobs/{jobId}/reject", new { comment = " " });
        var problem = await ActionCalls.ProblemAsync(bare, HttpStatusCode.BadRequest);
        await _calls.AcceptedAsync(TestUsers.Ana, jobId, "reject", new { comment = "not tonight" });

        Assert.True(problem.GetProperty("errors").TryGetProperty("comment", out _));
        await Jobs.WaitForStatusAsync(jobId, "Rejected");
    }

    [Fact]
    public async Task Reschedule_cancel_and_delete_through_the_api_take_the_job_out_of_the_monitor()
    {
        var jobId = await Jobs.CreateAsync(LifecycleJobs.LogOnlyPipeline, DateTimeOffset.UtcNow.AddHours(2));
        await Jobs.WaitAtRunGateAsync(jobId);
        var later = DateTimeOffset.UtcNow.AddHours(5);

        await _calls.AcceptedAsync(TestUsers.Admin, jobId, "reschedule", new { scheduledAt = later.ToString("O"), comment = "after the freeze" });
        var rescheduled = (await Jobs.Api.FindAsync(jobId))!.Value;
        await _calls.AcceptedAsync(TestUsers.ShopOperator, jobId, "cancel", new { comment = "no longer needed" });
        await Jobs.WaitForStatusAsync(jobId, "Canceled");
        await _calls.AcceptedAsync(TestUsers.Admin, jobId, "delete");

        Assert.Equal(later, rescheduled.GetProperty("scheduledAt").GetDateTimeOffset());
        await ServiceHostFixture.WaitUntilAsync(async () => await Jobs.Api.FindAsync(jobId) is null,
            TimeSpan.FromSeconds(10), $"job {jobId} to be deleted");
        Assert.Equal(["reschedule", "cancel", "delete"], (await Jobs.AuditAsync(jobId)).Select(a => a.Action));
    }

    [Fact]
    public async Task Rerun_through_the_api_runs_a_finished_job_again()
    {
        var jobId = await Jobs.CreateAsync(LifecycleJobs.LogOnlyPipeline);
        await Jobs.WaitForStatusAsync(jobId, "Finished");

        await _calls.AcceptedAsync(TestUsers.ShopOperator, jobId, "rerun", new { step = "run", runNow = true });

        await ServiceHostFixture.WaitUntilAsync(async () =>
        {
            var job = (await Jobs.Api.FindAsync(jobId))!.Value;
            return job.GetProperty("exec").GetInt32() == 2 && job.GetProperty("status").GetString() == "Finished";
        }, TimeSpan.FromSeconds(20), "the second execution to finish");
    }

    [Fact]
    public async Task A_trap_is_paused_resumed_retried_and_skipped_through_the_api()
    {
        var jobId = await Jobs.CreateAsync(TrapPipeline);
        await Jobs.WaitForStatusAsync(jobId, "Trapped");

        await _calls.AcceptedAsync(TestUsers.Admin, jobId, "trap/pause");
        await Jobs.WaitForStatusAsync(jobId, "Trap Paused");
        await _calls.AcceptedAsync(TestUsers.Admin, jobId, "trap/resume");
        await Jobs.WaitForStatusAsync(jobId, "Trapped");
        await _calls.AcceptedAsync(TestUsers.Admin, jobId, "trap/retry");
        await ServiceHostFixture.WaitUntilAsync(async () => (await Jobs.AuditAsync(jobId)).Count == 3
            && (await Jobs.Api.FindAsync(jobId))!.Value.GetProperty("status").GetString() == "Trapped",
            TimeSpan.FromSeconds(20), "the retried op to be trapped again");
        await _calls.AcceptedAsync(TestUsers.Admin, jobId, "trap/skip");

        await Jobs.WaitForStatusAsync(jobId, "Finished");
        Assert.Contains("after the trap", await Jobs.LogTextsAsync(jobId));
    }

    [Fact]
    public async Task An_aborted_trap_fails_the_job()
    {
        var jobId = await Jobs.CreateAsync(TrapPipeline);
        await Jobs.WaitForStatusAsync(jobId, "Trapped");

        await _calls.AcceptedAsync(TestUsers.ShopOperator, jobId, "trap/abort", new { comment = "giving up" });

        await Jobs.WaitForStatusAsync(jobId, "Error");
    }
}
