using JobMonitor.BrowserTests.Infrastructure;
using JobMonitor.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JobMonitor.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class LogPageTests(BrowserHost host)
{
    [Fact]
    public async Task The_log_page_follows_a_running_job_and_takes_a_comment()
    {
        var (jobId, _) = await new TestJobs(host.Service).CreateAsync(TestJobs.NeedsApproval);
        var page = await host.SignedInAsync(TestUsers.Admin);
        await page.GotoAsync($"/monitor/log.html?id={jobId}");
        await Expect(page.Locator("#log")).ToContainTextAsync("waiting for approval", new() { Timeout = 45_000 });

        await page.Locator("#comment-text").FillAsync("checked the change ticket");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add comment" }).ClickAsync();

        var comment = page.Locator(".line.level-comment", new() { HasText = "checked the change ticket" });
        await Expect(comment).ToBeVisibleAsync();
    }
}
