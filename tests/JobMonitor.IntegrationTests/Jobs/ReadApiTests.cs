using System.Net;
using System.Text.Json;
using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Jobs;

/// <summary>The read API and readiness, over the running service.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class ReadApiTests(ServiceHostFixture host)
{
    [Fact]
    public async Task Readiness_reports_the_broker_the_database_and_hangfire_healthy()
    {
        JsonElement report = default;
        await ServiceHostFixture.WaitUntilAsync(async () =>
        {
            using var response = await host.Client.GetAsync("/health/ready");
            report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(30), "the service to be ready");

        var checks = report.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("postgres").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("hangfire").GetProperty("status").GetString());
        Assert.Contains(checks.EnumerateObject(), c => c.Name.Contains("masstransit", StringComparison.OrdinalIgnoreCase)
            && c.Value.GetProperty("status").GetString() == "Healthy");
    }

    [Fact]
    public async Task The_job_list_pages_newest_first_without_gaps_or_repeats()
    {
        const string pipeline = """{ "run": [{ "name": "deploy", "kind": "log", "params": { "message": "m" } }] }""";
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var id = Guid.NewGuid();
            ids.Add(id);
            await host.PublishRawAsync("JobMonitor.Contracts:CreateJob", JobApi.CreateJson(id, Guid.NewGuid(), pipeline));
            await new JobApi(host).WaitForStatusAsync(id, "Finished");
        }

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = JsonDocument.Parse(await host.Client.GetStringAsync($"/api/jobs?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}")).RootElement;
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        var mine = seen.Where(ids.Contains).ToList();
        Assert.Equal(Enumerable.Reverse(ids), mine);
    }

    [Fact]
    public async Task Bad_paging_input_is_a_problem_naming_the_field()
    {
        using var badLimit = await host.Client.GetAsync("/api/jobs?limit=0");
        using var badCursor = await host.Client.GetAsync("/api/jobs?cursor=not-a-cursor");
        using var unknown = await host.Client.GetAsync($"/api/jobs/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Contains("limit", await badLimit.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
        Assert.Contains("cursor", await badCursor.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }
}
