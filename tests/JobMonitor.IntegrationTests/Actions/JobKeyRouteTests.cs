using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Lifecycle;

namespace JobMonitor.IntegrationTests.Actions;

/// <summary>Every /api/jobs/{id} route takes the job's key (<c>N.PROD-00000042</c>) as well as its id.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class JobKeyRouteTests(ServiceHostFixture host)
{
    readonly ActionCalls _calls = new(host);

    [Fact]
    public async Task The_dashboard_log_its_follow_comments_and_attachments_answer_to_the_key_in_any_case()
    {
        var message = string.Concat(Enumerable.Repeat("0123456789", 250));
        var pipeline = $$"""
            {
              "pre":  [{ "name": "dump", "kind": "log", "params": { "message": "{{message}}" } }],
              "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deploying cart" } }]
            }
            """;
        var jobId = await _calls.Jobs.CreateAsync(pipeline);
        var key = (await _calls.Jobs.WaitForStatusAsync(jobId, "Finished")).GetProperty("key").GetString()!;
        var admin = _calls.As(TestUsers.Admin);

        var byKey = await JsonAsync($"/api/jobs/{key}");
        var byLowerKey = await JsonAsync($"/api/jobs/{key.ToLowerInvariant()}");
        var lines = (await JsonAsync($"/api/jobs/{key}/log?step=PRE")).GetProperty("lines").EnumerateArray().ToList();
        var cut = Assert.Single(lines, l => l.GetProperty("hasAttachment").GetBoolean());
        using var attachment = await admin.GetAsync($"/api/jobs/{key}/log/{cut.GetProperty("seq").GetInt64()}/attachment");
        using var comment = await admin.PostAsJsonAsync($"/api/jobs/{key}/log", new { text = "by key" });
        await using var follow = await SseStream.OpenAsync(admin, $"/api/jobs/{key}/log");
        await follow.WaitForAsync(e => e.Data.Contains("by key", StringComparison.Ordinal), "the comment, followed by key");

        Assert.Equal(jobId, byKey.GetProperty("id").GetGuid());
        Assert.Equal(jobId, byLowerKey.GetProperty("id").GetGuid());
        Assert.Equal(message, await attachment.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal($"{key}-line-{cut.GetProperty("seq").GetInt64()}.txt", attachment.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(HttpStatusCode.Created, comment.StatusCode);
        Assert.Contains("by key", await _calls.Jobs.LogTextsAsync(jobId));
    }

    [Fact]
    public async Task An_action_by_key_publishes_the_command_for_the_jobs_id()
    {
        var jobId = await _calls.Jobs.CreateAsync(LifecycleJobs.LogOnlyPipeline);
        var key = (await _calls.Jobs.WaitForStatusAsync(jobId, "Finished")).GetProperty("key").GetString()!;

        using var response = await _calls.PostAsync(TestUsers.Admin, $"/api/jobs/{key}/rerun", new { step = "POST", runNow = true });
        var receipt = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        var command = await _calls.WaitForCommandAsync(receipt.GetProperty("commandId").GetGuid());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(jobId, receipt.GetProperty("jobId").GetGuid());
        Assert.Equal(("accepted", jobId), (command.GetProperty("status").GetString(), command.GetProperty("jobId").GetGuid()));
        Assert.Equal(2, (await _calls.Jobs.WaitForStatusAsync(jobId, "Finished")).GetProperty("exec").GetInt32());
    }

    [Fact]
    public async Task A_job_outside_the_callers_scope_is_404_by_key_as_by_id()
    {
        var jobId = await _calls.CreateAsync("bank", LifecycleJobs.LogOnlyPipeline);
        var key = (await _calls.Jobs.WaitForStatusAsync(jobId, "Finished")).GetProperty("key").GetString()!;
        var outsider = _calls.As(TestUsers.ShopOperator);

        using var dashboard = await outsider.GetAsync($"/api/jobs/{key}");
        using var log = await outsider.GetAsync($"/api/jobs/{key}/log");
        using var rerun = await _calls.PostAsync(TestUsers.ShopOperator, $"/api/jobs/{key}/rerun", new { step = "RUN" });
        using var comment = await outsider.PostAsJsonAsync($"/api/jobs/{key}/log", new { text = "peeking" });

        await ActionCalls.ProblemAsync(dashboard, HttpStatusCode.NotFound);
        await ActionCalls.ProblemAsync(log, HttpStatusCode.NotFound);
        await ActionCalls.ProblemAsync(rerun, HttpStatusCode.NotFound);
        await ActionCalls.ProblemAsync(comment, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_unknown_key_is_404_naming_the_key()
    {
        using var response = await _calls.As(TestUsers.Admin).GetAsync("/api/jobs/N.NOWHERE-99999999");

        var problem = await ActionCalls.ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("No job N.NOWHERE-99999999.", problem.GetProperty("detail").GetString());
    }

    async Task<JsonElement> JsonAsync(string path) =>
        JsonDocument.Parse(await _calls.As(TestUsers.Admin).GetStringAsync(path)).RootElement.Clone();
}
