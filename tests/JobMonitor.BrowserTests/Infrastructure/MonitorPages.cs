using System.Text.RegularExpressions;
using JobMonitor.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JobMonitor.BrowserTests.Infrastructure;

/// <summary>What an operator does on the monitor's pages, in the words of the pages' own elements.</summary>
public static class MonitorPages
{
    /// <summary>Long enough for a job to go through the bus, the saga and a worker while the suite runs beside.</summary>
    public static readonly LocatorAssertionsToHaveAttributeOptions Slowly = new() { Timeout = 45_000 };

    /// <summary>A new browser context signed in as <paramref name="user" /> through the sign-in form, on the monitor.</summary>
    public static async Task<IPage> SignedInAsync(this BrowserHost host, string user)
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/monitor/");
        await Expect(page).ToHaveURLAsync(new Regex("/monitor/signin\\.html\\?next="));
        await page.Locator("#api-key").FillAsync(TestUsers.KeyOf(user));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#user")).ToHaveTextAsync(user);
        return page;
    }

    public static ILocator Row(this IPage page, Guid jobId) => page.Locator($"#jobs tr.row[data-id='{jobId}']");

    /// <summary>The monitor searching for one job's name: the table then holds just the test's jobs.</summary>
    public static async Task SearchAsync(this IPage page, string text)
    {
        await page.Locator("#filters input[name=q]").FillAsync(text);
        await Expect(page).ToHaveURLAsync(new Regex($"[?&]q={Regex.Escape(Uri.EscapeDataString(text))}(&|$)"));
    }

    /// <summary>Clicks a row's action, confirms its dialog (after <paramref name="fill" />) and waits for the command's result.</summary>
    public static async Task<string> ActAsync(this IPage page, Guid jobId, string action, Func<ILocator, Task>? fill = null)
    {
        var dialog = page.Locator("#action-dialog");
        // The live table redraws a row as its job's events arrive; a click on a button being replaced is lost, so the
        // click is repeated until the dialog opens.
        await JobMonitor.IntegrationTests.Infrastructure.Polling.WaitUntilAsync(async () =>
        {
            await page.Row(jobId).Locator($"button[data-action='{action}']").ClickAsync();
            try
            {
                await dialog.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 1_000 });
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), $"the {action} dialog of job {jobId} to open");
        if (fill is not null)
            await fill(dialog);
        await dialog.Locator($"button[data-confirm='{action}']").ClickAsync();
        var notice = page.Locator($"#notices li[data-job='{jobId}'][data-action='{action}']").First;
        await Expect(notice).Not.ToHaveAttributeAsync("data-state", "pending", new() { Timeout = 30_000 });
        return $"{await notice.GetAttributeAsync("data-state")}: {await notice.TextContentAsync()}";
    }
}
