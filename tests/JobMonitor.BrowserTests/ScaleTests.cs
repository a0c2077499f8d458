using JobMonitor.Service.Execution.Ops;
using System.Text.Json;
using System.Text.RegularExpressions;
using JobMonitor.BrowserTests.Infrastructure;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Jobs;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JobMonitor.BrowserTests;

/// <summary>
/// Large lists stay usable: only what is in view is in the DOM. The 1,200 jobs are made up by the test (the
/// browser's list requests are routed to it); the 100,000 log lines are real, written to the job's log directly.
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
        for (var i = 0; i < 100 && await page.Locator("#summary").TextContentAsync() != $"{total} jobs loaded"; i++)
        {
            await grid.EvaluateAsync("g => g.scrollTop = g.scrollHeight");
            await page.WaitForTimeoutAsync(150);
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
        const int extra = 100_000;
        var (jobId, _) = await new TestJobs(host.Service).CreateAsync(TestJobs.Quick);
        await new JobApi(host.Service).WaitForStatusAsync(jobId, "Finished");
        var log = host.Service.Services.GetRequiredService<IJobLogWriter>();
        for (var from = 1; from <= extra; from += 5000)
        {
            await log.AppendAsync(Enumerable.Range(from, 5000).Select(i => new JobLogEntry
            {
                JobId = jobId, Exec = 1, Step = "POST", Op = "chatty", At = DateTimeOffset.UtcNow, Text = $"line {i}",
                Level = (i % 10) switch { 0 => JobLogLevel.Error, 3 => JobLogLevel.Warn, _ => JobLogLevel.Info },
            }).ToList(), TestContext.Current.CancellationToken);
        }
        var page = await host.SignedInAsync(TestUsers.Admin);

        await page.GotoAsync($"/monitor/log.html?id={jobId}");

        await Expect(page.Locator("#count")).ToHaveTextAsync(new Regex(@"^100\d{3} lines$"), new() { Timeout = 60_000 });
        await Expect(page.Locator(".line", new() { HasText = $"line {extra}" })).ToBeVisibleAsync();
        Assert.InRange(await page.Locator(".line").CountAsync(), 10, 200);
        await page.Locator("#log").EvaluateAsync("l => l.scrollTop = 0");
        await Expect(page.Locator(".line").First).ToContainTextAsync("created by ci-bot");

        await page.Locator("select[name=level]").SelectOptionAsync("error");
        await Expect(page.Locator("#count")).ToHaveTextAsync($"{extra / 10} lines", new() { Timeout = 60_000 });
    }

    sealed record FakeListItem(
        Guid Id, string Key, string Name, string Project, string Environment, string Type, string Status, string Step,
        double Progress, string[] Natures, DateTimeOffset ScheduledAt, DateTimeOffset MaxStartAt, DateTimeOffset StartedAt,
        DateTimeOffset EndedAt, DateTimeOffset CreatedAt, string Owner, string[] AllowedActions);

    static FakeListItem FakeJob(int i)
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-i);
        return new(new Guid(i + 1, 0, 0, new byte[8]), $"F-{1199 - i}", $"fake job {1199 - i}", "shop", "PROD", "Normal", "Finished", "END", 1,
            ["SQL"], at, at.AddDays(1), at, at.AddSeconds(30), at, "ana", ["rerun", "delete"]);
    }
}
