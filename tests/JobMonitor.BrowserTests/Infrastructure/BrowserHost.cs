using JobMonitor.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace JobMonitor.BrowserTests.Infrastructure;

/// <summary>
/// The real service on a TCP port of 127.0.0.1 (over real RabbitMQ and PostgreSQL, through the integration tests'
/// <see cref="ServiceHostFixture" />) and Debian's headless chromium driven by Playwright. Without chromium every
/// test skips, unless JOBMONITOR_REQUIRE_SERVICES=1 (CI), where it fails.
/// </summary>
public sealed class BrowserHost : IAsyncLifetime
{
    /// <summary>Where the browser is; Playwright's own browser download is not used.</summary>
    public static string ChromiumPath { get; } = Environment.GetEnvironmentVariable("JOBMONITOR_CHROMIUM") ?? "/usr/bin/chromium";

    IPlaywright? playwright;
    IBrowser? browser;
    string? unavailable;

    /// <summary>The service. Its vhost is its own (JOBMONITOR_TEST_BROWSER_RABBITMQ), as the integration tests run beside.</summary>
    public ServiceHostFixture Service { get; } = new() { Broker = BrowserBroker(), ListenOnTcp = true };

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            if (TestServices.Required)
                throw new InvalidOperationException($"chromium is required (JOBMONITOR_REQUIRE_SERVICES=1) but {ChromiumPath} is missing.");
            unavailable = $"no chromium at {ChromiumPath} (apt-get install chromium)";
            return;
        }
        await Service.InitializeAsync();
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
            await browser.DisposeAsync();
        playwright?.Dispose();
        await Service.DisposeAsync();
    }

    /// <summary>A fresh browser context (its own cookies) with one page, at the service's address.</summary>
    public async Task<IPage> NewPageAsync()
    {
        if (unavailable is not null)
            Assert.Skip(unavailable);
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Service.Address.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            TimezoneId = "Europe/Madrid",
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        // The page's own errors land in the test's output: a failing browser test then says what the page saw.
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
                TestContext.Current.TestOutputHelper?.WriteLine($"[browser {message.Type}] {message.Text}");
        };
        page.PageError += (_, error) => TestContext.Current.TestOutputHelper?.WriteLine($"[page error] {error}");
        return page;
    }

    static Uri BrowserBroker() =>
        Environment.GetEnvironmentVariable("JOBMONITOR_TEST_BROWSER_RABBITMQ") is { Length: > 0 } uri ? new Uri(uri) : TestServices.RabbitMq;
}
