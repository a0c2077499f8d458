using System.Text.Json;
using System.Text.RegularExpressions;
using JobMonitor.BrowserTests.Infrastructure;
using JobMonitor.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JobMonitor.BrowserTests;

/// <summary>
/// Large lists stay usable: only what is in view is in the DOM. The API answers here are made up by the test (the
/// browser's requests are routed to it), so that 1,200 jobs or 100,000 log lines cost nothing to set up.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScaleTests(BrowserHost host)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task The_monitor_renders_only_the_rows_in_view_of_1200_jobs_and_pages_on_while_scrolling()
    {
        const int total = 1200;
        var page = await host.SignedInAsync(TestUsers.Admin);
        await page.RouteAsync(new Regex(@"/api/jobs\?"), route =>
        {
            var query = System.Web.HttpUtility.ParseQueryString(new Uri(route.Request.Url).Query);
            var from = int.Parse(query["cursor"] ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            var take = Math.Min(int.Parse(query["limit"] ?? "50", System.Globalization.CultureInfo.InvariantCulture), total - from);
            var items = Enumerable.Range(from, take).Select(FakeJob);
            var next = from + take < total ? (from + take).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return route.FulfillAsync(new() { ContentType = "application/json", Body = JsonSerializer.Serialize(new { items, nextCursor = next, counts = new Dictionary<string, int> { ["Finished"] = total } }, Json) });
        });
        await page.RouteAsync("**/api/events", route => route.FulfillAsync(new() { Status = 404 }));
        await page.ReloadAsync();

        await Expect(page.Locator("#jobs tr.row").First).ToHaveAttributeAsync("data-key", "F-1199");
        var grid = page.Locator("#grid");
        for (var i = 0; i < 40 && await page.Locator("#summary").TextContentAsync() != $"{total} jobs loaded"; i++)
        {
            await grid.EvaluateAsync("g => g.scrollTop = g.scrollHeight");
            await page.WaitForTimeoutAsync(100);
        }

        await Expect(page.Locator("#summary")).ToHaveTextAsync($"{total} jobs loaded");
        await grid.EvaluateAsync("g => g.scrollTop = g.scrollHeight");
        await Expect(page.Locator("#jobs tr.row[data-key='F-0']")).ToBeVisibleAsync();
        Assert.InRange(await page.Locator("#jobs tr.row").CountAsync(), 10, 80);
        Assert.Equal($"{total + 1}", await page.Locator("#jobs").GetAttributeAsync("aria-rowcount"));
    }

    [Fact]
    public async Task A_log_of_100000_lines_follows_to_its_end_with_only_the_lines_in_view_in_the_page()
    {
        const int total = 100_000;
        var jobId = Guid.NewGuid();
        var page = await host.SignedInAsync(TestUsers.Admin);
        await page.RouteAsync(new Regex($@"/api/jobs/{jobId}/log"), route =>
        {
            var query = System.Web.HttpUtility.ParseQueryString(new Uri(route.Request.Url).Query);
            var after = long.Parse(query["after"] ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            var take = (int)Math.Min(long.Parse(query["limit"] ?? "500", System.Globalization.CultureInfo.InvariantCulture), Math.Max(0, total - after));
            var lines = Enumerable.Range(1, take).Select(i => FakeLine(after + i));
            long? next = after + take < total ? after + take : null;
            return route.FulfillAsync(new() { ContentType = "application/json", Body = JsonSerializer.Serialize(new { lines, nextAfter = next }, Json) });
        });
        await page.RouteAsync(new Regex($@"/api/jobs/{jobId}$"), route => route.FulfillAsync(new()
        {
            ContentType = "application/json",
            Body = JsonSerializer.Serialize(FakeJob(7) with { Id = jobId }, Json),
        }));

        await page.GotoAsync($"/monitor/log.html?id={jobId}");

        await Expect(page.Locator("#count")).ToHaveTextAsync($"{total} lines", new() { Timeout = 60_000 });
        await Expect(page.Locator($".line[data-seq='{total}']")).ToBeVisibleAsync();
        Assert.InRange(await page.Locator(".line").CountAsync(), 10, 200);
        await page.Locator("#log").EvaluateAsync("l => l.scrollTop = 0");
        await Expect(page.Locator(".line[data-seq='1']")).ToBeVisibleAsync();
    }

    sealed record FakeListItem(
        Guid Id, string Key, string Name, string Project, string Environment, string Type, string Status, string Step,
        double Progress, string[] Natures, DateTimeOffset ScheduledAt, DateTimeOffset MaxStartAt, DateTimeOffset StartedAt,
        DateTimeOffset EndedAt, DateTimeOffset CreatedAt, string Owner, string[] AllowedActions);

    static FakeListItem FakeJob(int i)
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-i);
        return new(Guid.NewGuid(), $"F-{1199 - i}", $"fake job {1199 - i}", "shop", "PROD", "Normal", "Finished", "END", 1,
            ["SQL"], at, at.AddDays(1), at, at.AddSeconds(30), at, "ana", ["rerun", "delete"]);
    }

    static object FakeLine(long seq) => new
    {
        seq, at = DateTimeOffset.UtcNow, exec = 1, step = "RUN", op = "deploy",
        level = (seq % 10) switch { 0 => "error", 3 => "warn", _ => "info" }, text = $"line {seq}", traceId = (string?)null,
    };
}
