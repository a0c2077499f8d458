using JobMonitor.BrowserTests.Infrastructure;
using JobMonitor.IntegrationTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace JobMonitor.BrowserTests;

/// <summary>
/// Pictures of the monitor, a job's dashboard and its log, from jobs the service really ran. They land in
/// JOBMONITOR_SCREENSHOTS when set (the README's pictures: JOBMONITOR_SCREENSHOTS=$PWD/docs), else beside the tests.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScreenshotTests(BrowserHost host)
{
    const string Shown = """
        {
          "pre":  [{ "name": "build", "kind": "log", "params": { "message": "restored 212 packages, compiled shop-web" } },
                   { "name": "test", "kind": "delay", "params": { "duration": "PT1S" } },
                   { "name": "ask", "kind": "approval", "params": { "approvers": ["ana"] } }],
          "run":  [{ "name": "migrate", "kind": "log", "params": { "message": "applied db/017.sql", "level": "warn" } },
                   { "name": "deploy", "kind": "delay", "params": { "duration": "PT1S" } },
                   { "name": "smoke", "kind": "log", "params": { "message": "GET /health 200" } }],
          "post": [{ "name": "notify", "kind": "log", "params": { "message": "release notes sent" } }]
        }
        """;

    static string Folder => Environment.GetEnvironmentVariable("JOBMONITOR_SCREENSHOTS") is { Length: > 0 } folder
        ? folder
        : Path.Combine(AppContext.BaseDirectory, "screenshots");

    [Fact]
    public async Task Screenshots_of_the_monitor_the_dashboard_and_the_log()
    {
        var jobs = new TestJobs(host.Service);
        var page = await host.SignedInAsync(TestUsers.Admin);
        var (shown, _) = await jobs.CreateAsync(Shown);
        await jobs.CreateAsync(TestJobs.NeedsApproval);
        await jobs.CreateAsync(TestJobs.Quick, scheduledAt: DateTimeOffset.UtcNow.AddHours(3));
        await jobs.CreateAsync(TestJobs.Quick, project: "billing");
        await Expect(page.Row(shown)).ToHaveAttributeAsync("data-status", "Waiting for Approval", MonitorPages.Slowly);
        await page.ActAsync(shown, "approve", dialog => dialog.Locator("textarea[name=comment]").FillAsync("change CHG-1042 approved"));
        await Expect(page.Row(shown)).ToHaveAttributeAsync("data-status", "Finished", MonitorPages.Slowly);
        Directory.CreateDirectory(Folder);
        await page.Locator("#notices").EvaluateAsync("n => n.replaceChildren()");
        await page.Locator("#grid").EvaluateAsync("g => { document.activeElement.blur(); g.scrollLeft = 0; }");
        await page.SetViewportSizeAsync(1880, 760);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Folder, "monitor.png") });
        await page.SetViewportSizeAsync(1440, 900);

        await page.GotoAsync($"/monitor/job.html?id={shown}");
        await Expect(page.Locator("#timeline svg")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Folder, "dashboard.png"), FullPage = true });

        await page.GotoAsync($"/monitor/log.html?id={shown}");
        await Expect(page.Locator("#log")).ToContainTextAsync("job finished");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Folder, "log.png") });
    }
}
