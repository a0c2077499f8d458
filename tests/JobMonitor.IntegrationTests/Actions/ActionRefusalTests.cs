using System.Net;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Lifecycle;

namespace JobMonitor.IntegrationTests.Actions;

/// <summary>The quick answers of the action API: 400 with field names, 403, 404 outside the scope, 409 by status; and the saga's own refusals.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class ActionRefusalTests(ServiceHostFixture host)
{
    readonly ActionCalls _calls = new(host);

    LifecycleJobs Jobs => _calls.Jobs;

    [Fact]
    public async Task Invalid_bodies_are_400_naming_each_field()
    {
        var jobId = await Jobs.CreateAsync(LifecycleJobs.LogOnlyPipeline, DateTimeOffset.UtcNow.AddHours(2));
        await Jobs.WaitAtRunGateAsync(jobId);

        using var step = await _calls.PostAsync(TestUsers.Admin, $"/api/jobs/{jobId}/rerun", new { step = "LATER" });
        var day = DateTimeOffset.UtcNow.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using var dates = await _calls.PostAsync(TestUsers.Admin, $"/api/jobs/{jobId}/reschedule",
            new { scheduledAt = $"{day}T10:00:00Z", maxStartAt = $"{day}T09:00:00Z" });
        using var local = await _calls.PostAsync(TestUsers.Admin, $"/api/jobs/{jobId}/reschedule", new { scheduledAt = $"{day}T10:00:00" });
        using var comment = await _calls.PostAsync(TestUsers.Admin, $"/api/jobs/{jobId}/cancel", new { comment = new string('x', 4001) });
        using var create = await _calls.PostAsync(TestUsers.Admin, "/api/jobs", new { project = "shop", environment = "PROD" });

        Assert.Equal(["step"], await FieldsAsync(step));
        Assert.Equal(["maxStartAt"], await FieldsAsync(dates));
        Assert.Equal(["scheduledAt"], await FieldsAsync(local));
        Assert.Equal(["comment"], await FieldsAsync(comment));
        Assert.Equal(["name"], await FieldsAsync(create));
    }

    [Fact]
    public async Task A_user_without_the_permission_is_403_and_one_with_it_is_not()
    {
        var jobId = await Jobs.CreateAsync(ActionApiTests.ApprovalPipeline);
        await Jobs.WaitForStatusAsync(jobId, "Waiting for Approval");

        using var viewer = await _calls.PostAsync(TestUsers.Viewer, $"/api/jobs/{jobId}/cancel");
        using var operatorApproves = await _calls.PostAsync(TestUsers.ShopOperator, $"/api/jobs/{jobId}/approve");
        using var viewerCreates = await _calls.PostAsync(TestUsers.Viewer, "/api/jobs", ActionCalls.CreateBody("shop", LifecycleJobs.LogOnlyPipeline));

        await ActionCalls.ProblemAsync(viewer, HttpStatusCode.Forbidden);
        await ActionCalls.ProblemAsync(operatorApproves, HttpStatusCode.Forbidden);
        await ActionCalls.ProblemAsync(viewerCreates, HttpStatusCode.Forbidden);
        await _calls.AcceptedAsync(TestUsers.ShopOperator, jobId, "cancel");
    }

    [Fact]
    public async Task A_job_outside_the_callers_scope_is_404_for_every_action()
    {
        var jobId = await _calls.CreateAsync("bank", LifecycleJobs.LogOnlyPipeline, DateTimeOffset.UtcNow.AddHours(2));

        foreach (var action in new[] { "cancel", "rerun", "delete", "trap/pause" })
        {
            using var response = action == "rerun"
                ? await _calls.PostAsync(TestUsers.ShopOperator, $"/api/jobs/{jobId}/{action}", new { step = "RUN" })
                : await _calls.PostAsync(TestUsers.ShopOperator, $"/api/jobs/{jobId}/{action}");
            await ActionCalls.ProblemAsync(response, HttpStatusCode.NotFound);
        }
        using var unknown = await _calls.PostAsync(TestUsers.Admin, $"/api/jobs/{Guid.NewGuid()}/cancel");
        await ActionCalls.ProblemAsync(unknown, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_action_the_status_forbids_is_409_with_the_reason_and_the_status()
    {
        var jobId = await Jobs.CreateAsync(LifecycleJobs.LogOnlyPipeline);
        await Jobs.WaitForStatusAsync(jobId, "Finished");

        using var response = await _calls.PostAsync(TestUsers.Admin, $"/api/jobs/{jobId}/approve");

        var problem = await ActionCalls.ProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("not_allowed_in_status", problem.GetProperty("reason").GetString());
        Assert.Equal("Finished", problem.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_command_the_service_refuses_shows_rejected_with_the_reason()
    {
        const string pipeline = """{ "run": [{ "name": "deploy", "kind": "script", "params": { "script": "no-such-script" } }] }""";
        using var response = await _calls.PostAsync(TestUsers.Admin, "/api/jobs", ActionCalls.CreateBody("shop", pipeline));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var commandId = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("commandId").GetGuid();

        var command = await _calls.WaitForCommandAsync(commandId);

        Assert.Equal(("rejected", "unknown_script", "pipeline.run[0].params.script"),
            (command.GetProperty("status").GetString(), command.GetProperty("reasonCode").GetString(), command.GetProperty("field").GetString()));
    }

    [Fact]
    public async Task A_command_status_is_readable_by_its_requester_and_those_who_see_the_job_only()
    {
        var jobId = await _calls.CreateAsync("bank", LifecycleJobs.LogOnlyPipeline, DateTimeOffset.UtcNow.AddHours(2));
        var commandId = await _calls.ActAsync(TestUsers.Admin, jobId, "cancel");

        using var stranger = await _calls.As(TestUsers.ShopOperator).GetAsync($"/api/commands/{commandId}");
        using var viewer = await _calls.As(TestUsers.Viewer).GetAsync($"/api/commands/{commandId}");

        await ActionCalls.ProblemAsync(stranger, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, viewer.StatusCode);
    }

    static async Task<IReadOnlyList<string>> FieldsAsync(HttpResponseMessage response)
    {
        var problem = await ActionCalls.ProblemAsync(response, HttpStatusCode.BadRequest);
        return problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
    }
}
