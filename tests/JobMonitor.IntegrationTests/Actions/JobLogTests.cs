using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Lifecycle;

namespace JobMonitor.IntegrationTests.Actions;

/// <summary>GET /api/jobs/{id}/log (filters, live follow) and POST /api/jobs/{id}/log (comments).</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class JobLogTests(ServiceHostFixture host)
{
    readonly ActionCalls _calls = new(host);

    [Fact]
    public async Task The_log_filters_by_step_and_level_and_refuses_unknown_values()
    {
        var jobId = await _calls.Jobs.CreateAsync(LifecycleJobs.LogOnlyPipeline);
        await _calls.Jobs.WaitForStatusAsync(jobId, "Finished");

        var run = await LinesAsync($"/api/jobs/{jobId}/log?step=run");
        var badLevel = await _calls.As(TestUsers.Admin).GetAsync($"/api/jobs/{jobId}/log?level=loud&exec=0");

        Assert.NotEmpty(run);
        Assert.All(run, l => Assert.Equal("RUN", l.GetProperty("step").GetString()));
        Assert.Contains(run, l => l.GetProperty("text").GetString() == "deploying cart");
        var problem = await ActionCalls.ProblemAsync(badLevel, HttpStatusCode.BadRequest);
        Assert.Equal(["level", "exec"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().Reverse());
    }

    [Fact]
    public async Task A_comment_is_stored_verbatim_with_its_author_and_a_viewer_may_not_comment()
    {
        var jobId = await _calls.Jobs.CreateAsync(LifecycleJobs.LogOnlyPipeline);
        await _calls.Jobs.WaitForStatusAsync(jobId, "Finished");
        const string text = "<b>checked</b> the cart & it's fine";

        using var viewer = await _calls.As(TestUsers.Viewer).PostAsJsonAsync($"/api/jobs/{jobId}/log", new { text });
        using var empty = await _calls.As(TestUsers.Admin).PostAsJsonAsync($"/api/jobs/{jobId}/log", new { text = "" });
        using var admin = await _calls.As(TestUsers.Admin).PostAsJsonAsync($"/api/jobs/{jobId}/log", new { text });

        await ActionCalls.ProblemAsync(viewer, HttpStatusCode.Forbidden);
        await ActionCalls.ProblemAsync(empty, HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Created, admin.StatusCode);
        var comment = Assert.Single(await LinesAsync($"/api/jobs/{jobId}/log?level=comment"),
            l => l.GetProperty("user").ValueKind == JsonValueKind.String);
        Assert.Equal((text, "admin", "comment"), (comment.GetProperty("text").GetString(),
            comment.GetProperty("user").GetString(), comment.GetProperty("level").GetString()));
    }

    [Fact]
    public async Task Following_the_log_delivers_new_lines_and_resumes_after_the_last_event_id()
    {
        var jobId = await _calls.Jobs.CreateAsync(LifecycleJobs.LogOnlyPipeline);
        await _calls.Jobs.WaitForStatusAsync(jobId, "Finished");
        await using var follow = await SseStream.OpenAsync(_calls.As(TestUsers.Admin), $"/api/jobs/{jobId}/log");
        await follow.WaitForAsync(e => e.Data.Contains("post ran", StringComparison.Ordinal), "the lines already written");

        using var posted = await _calls.As(TestUsers.Admin).PostAsJsonAsync($"/api/jobs/{jobId}/log", new { text = "live comment" });
        var live = await follow.WaitForAsync(e => e.Data.Contains("live comment", StringComparison.Ordinal), "the new comment");
        await using var resumed = await SseStream.OpenAsync(_calls.As(TestUsers.Admin), $"/api/jobs/{jobId}/log", live.EventId);
        using var next = await _calls.As(TestUsers.Admin).PostAsJsonAsync($"/api/jobs/{jobId}/log", new { text = "after reconnecting" });
        await resumed.WaitForAsync(e => e.Data.Contains("after reconnecting", StringComparison.Ordinal), "the line after the reconnect");

        Assert.Equal("line", live.EventType);
        Assert.Equal(JsonDocument.Parse(live.Data).RootElement.GetProperty("seq").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), live.EventId);
        Assert.DoesNotContain(resumed.Received, e => e.Data.Contains("live comment", StringComparison.Ordinal) || e.Data.Contains("post ran", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_line_longer_than_the_limit_shows_its_head_and_downloads_whole_as_an_attachment()
    {
        var message = string.Concat(Enumerable.Repeat("0123456789", 380)) + " end of the long line";
        var pipeline = $$"""
            {
              "pre":  [{ "name": "dump", "kind": "log", "params": { "message": {{JsonSerializer.Serialize(message)}} } }],
              "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "short" } }],
              "post": [{ "name": "notify", "kind": "log", "params": { "message": "post ran" } }]
            }
            """;
        var jobId = await _calls.Jobs.CreateAsync(pipeline);
        await _calls.Jobs.WaitForStatusAsync(jobId, "Finished");

        var lines = await LinesAsync($"/api/jobs/{jobId}/log?step=PRE");
        var cut = Assert.Single(lines, l => l.GetProperty("hasAttachment").GetBoolean());
        var seq = cut.GetProperty("seq").GetInt64();
        using var download = await _calls.As(TestUsers.Admin).GetAsync($"/api/jobs/{jobId}/log/{seq}/attachment");
        using var outsider = await _calls.As(TestUsers.Outsider).GetAsync($"/api/jobs/{jobId}/log/{seq}/attachment");
        var shortLine = Assert.Single(await LinesAsync($"/api/jobs/{jobId}/log?step=RUN"), l => l.GetProperty("text").GetString() == "short");
        using var none = await _calls.As(TestUsers.Admin).GetAsync($"/api/jobs/{jobId}/log/{shortLine.GetProperty("seq").GetInt64()}/attachment");

        Assert.True(cut.GetProperty("text").GetString()!.Length <= 2_001);
        Assert.StartsWith("0123456789", cut.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.False(shortLine.GetProperty("hasAttachment").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("text/plain", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(message, await download.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        await ActionCalls.ProblemAsync(outsider, HttpStatusCode.NotFound);
        await ActionCalls.ProblemAsync(none, HttpStatusCode.NotFound);
    }

    async Task<List<JsonElement>> LinesAsync(string path) =>
        JsonDocument.Parse(await _calls.As(TestUsers.Admin).GetStringAsync(path)).RootElement.GetProperty("lines")
            .EnumerateArray().Select(l => l.Clone()).ToList();
}
