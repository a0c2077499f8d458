using System.Text.RegularExpressions;
using JobMonitor.BrowserTests.Infrastructure;
using JobMonitor.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JobMonitor.BrowserTests;

/// <summary>An operator in headless chromium, on the real service over RabbitMQ and PostgreSQL.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MonitorTests(BrowserHost host)
{
    readonly TestJobs jobs = new(host.Service);

    [Fact]
    public async Task Signing_in_exchanges_the_key_for_an_http_only_cookie_and_keeps_it_out_of_the_page()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/monitor/");
        await Expect(page).ToHaveURLAsync(new Regex("/monitor/signin\\.html\\?next="));
        await page.Locator("#api-key").FillAsync("not-a-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#signin-error")).ToContainTextAsync("not valid");

        await page.Locator("#api-key").FillAsync(TestUsers.KeyOf(TestUsers.Admin));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.Locator("#user")).ToHaveTextAsync(TestUsers.Admin);
        Assert.EndsWith("/monitor/", page.Url, StringComparison.Ordinal);
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "jm_session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(0, await page.EvaluateAsync<int>("localStorage.length + sessionStorage.length"));
        Assert.DoesNotContain(TestUsers.KeyOf(TestUsers.Admin), await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_published_on_the_bus_appears_in_the_table_without_a_reload()
    {
        var page = await host.SignedInAsync(TestUsers.Admin);
        await page.EvaluateAsync("window.sameDocument = true");

        var (jobId, name) = await jobs.CreateAsync(TestJobs.Quick);

        var row = page.Row(jobId);
        await Expect(row).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(row).ToContainTextAsync(name);
        Assert.True(await page.EvaluateAsync<bool>("window.sameDocument === true"));
        await Expect(row).ToHaveAttributeAsync("data-status", "Finished", MonitorPages.Slowly);
    }

    [Fact]
    public async Task An_operator_approves_a_waiting_job_and_watches_it_reach_finished()
    {
        var page = await host.SignedInAsync(TestUsers.Admin);
        var (jobId, name) = await jobs.CreateAsync(TestJobs.NeedsApproval);
        await page.SearchAsync(name);
        await Expect(page.Row(jobId)).ToHaveAttributeAsync("data-status", "Waiting for Approval", MonitorPages.Slowly);

        var result = await page.ActAsync(jobId, "approve", dialog => dialog.Locator("textarea[name=comment]").FillAsync("go ahead"));

        Assert.StartsWith("accepted", result, StringComparison.Ordinal);
        await Expect(page.Row(jobId)).ToHaveAttributeAsync("data-status", "Finished", MonitorPages.Slowly);
    }

    [Fact]
    public async Task A_job_that_leaves_the_selected_status_tab_leaves_the_table_without_a_reload()
    {
        var page = await host.SignedInAsync(TestUsers.Admin);
        var (jobId, name) = await jobs.CreateAsync(TestJobs.NeedsApproval);
        await page.SearchAsync(name);
        await page.Locator("#tabs [data-status='Waiting for Approval']").ClickAsync();
        await Expect(page.Row(jobId)).ToHaveAttributeAsync("data-status", "Waiting for Approval", MonitorPages.Slowly);
        await page.EvaluateAsync("window.sameDocument = true");

        var result = await page.ActAsync(jobId, "approve");

        Assert.StartsWith("accepted", result, StringComparison.Ordinal);
        await Expect(page.Row(jobId)).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        Assert.True(await page.EvaluateAsync<bool>("window.sameDocument === true"));
    }

    [Fact]
    public async Task A_finished_job_is_rerun_from_its_run_step_now()
    {
        var page = await host.SignedInAsync(TestUsers.Admin);
        var (jobId, name) = await jobs.CreateAsync(TestJobs.Quick);
        await page.SearchAsync(name);
        await Expect(page.Row(jobId)).ToHaveAttributeAsync("data-status", "Finished", MonitorPages.Slowly);

        var result = await page.ActAsync(jobId, "rerun", async dialog =>
        {
            await dialog.Locator("select[name=step]").SelectOptionAsync("RUN");
            await dialog.Locator("input[name=runNow]").CheckAsync();
        });

        Assert.StartsWith("accepted", result, StringComparison.Ordinal);
        var key = await page.Row(jobId).GetAttributeAsync("data-key");
        // Read, not clicked: the live table redraws the row as the rerun's events arrive, and a click can land on the
        // link being replaced.
        await Expect(page.Row(jobId).Locator("a.key")).ToHaveAttributeAsync("href", $"/monitor/job.html?job={key}");
        await page.GotoAsync($"/monitor/job.html?job={key}");
        await Expect(page.Locator("#fields")).ToContainTextAsync("Execution2", new() { Timeout = 30_000 });
        await Expect(page.Locator("#status .status")).ToHaveTextAsync("Finished", new() { Timeout = 45_000 });
    }

    [Fact]
    public async Task A_trapped_job_is_retried_from_the_page_and_finishes()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"jobmonitor-browser-{Guid.NewGuid():N}");
        try
        {
            var page = await host.SignedInAsync(TestUsers.Admin);
            var (jobId, name) = await jobs.CreateAsync(TestJobs.TrapsOnce(marker));
            await page.SearchAsync(name);
            await Expect(page.Row(jobId)).ToHaveAttributeAsync("data-status", "Trapped", MonitorPages.Slowly);

            var result = await page.ActAsync(jobId, "trap-retry", async dialog =>
                await Expect(dialog.Locator(".trap-countdown")).ToContainTextAsync("time-out action in"));

            Assert.StartsWith("accepted", result, StringComparison.Ordinal);
            await Expect(page.Row(jobId)).ToHaveAttributeAsync("data-status", "Finished", MonitorPages.Slowly);
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Fact]
    public async Task A_job_outside_the_operators_scope_is_never_shown()
    {
        var page = await host.SignedInAsync(TestUsers.ShopOperator);
        var (hidden, _) = await jobs.CreateAsync(TestJobs.Quick, project: "bank");
        var (shown, _) = await jobs.CreateAsync(TestJobs.Quick, project: "shop");

        // The shop job was published after the bank one: once it is in the table, the bank job had its chance.
        await Expect(page.Row(shown)).ToHaveAttributeAsync("data-status", "Finished", MonitorPages.Slowly);
        await Expect(page.Row(hidden)).ToHaveCountAsync(0);
        Assert.DoesNotContain("bank", await page.Locator("#jobs tbody").InnerTextAsync(), StringComparison.Ordinal);

        await page.GotoAsync($"/monitor/job.html?id={hidden}");
        await Expect(page.Locator("#title")).ToContainTextAsync("No such job");
    }

    [Fact]
    public async Task A_user_without_cancel_sees_no_cancel_button()
    {
        var (jobId, name) = await jobs.CreateAsync(TestJobs.Quick, scheduledAt: DateTimeOffset.UtcNow.AddHours(2));
        var admin = await host.SignedInAsync(TestUsers.Admin);
        await admin.SearchAsync(name);
        await Expect(admin.Row(jobId)).ToHaveAttributeAsync("data-status", "Ready", MonitorPages.Slowly);
        await Expect(admin.Row(jobId).Locator("button[data-action=cancel]")).ToHaveCountAsync(1);

        var viewer = await host.SignedInAsync(TestUsers.Viewer);
        await viewer.SearchAsync(name);

        await Expect(viewer.Row(jobId)).ToHaveAttributeAsync("data-status", "Ready");
        await Expect(viewer.Row(jobId).Locator("button")).ToHaveCountAsync(0);
        await viewer.GotoAsync($"/monitor/job.html?id={jobId}");
        await Expect(viewer.Locator("#fields")).ToContainTextAsync(name);
        await Expect(viewer.Locator("button[data-action=cancel]")).ToHaveCountAsync(0);
    }
}
