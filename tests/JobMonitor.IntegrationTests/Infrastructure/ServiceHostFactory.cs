using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace JobMonitor.IntegrationTests.Infrastructure;

/// <summary>The real service's host with the test run's settings laid over appsettings.json.</summary>
public sealed class ServiceHostFactory(IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // UseSetting, not ConfigureAppConfiguration: the service reads its connection strings while it is
        // being built, and only host settings are in place by then.
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
    }
}
