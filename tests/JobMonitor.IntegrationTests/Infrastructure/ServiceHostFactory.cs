using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace JobMonitor.IntegrationTests.Infrastructure;

/// <summary>
/// The real service's host with the test run's settings laid over appsettings.json, and optionally test services
/// (an in-memory telemetry exporter, say) added after the service's own.
/// </summary>
public sealed class ServiceHostFactory(IReadOnlyDictionary<string, string> settings, Action<IServiceCollection>? testServices = null)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // UseSetting, not ConfigureAppConfiguration: the service reads its connection strings while it is
        // being built, and only host settings are in place by then.
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        if (testServices is not null)
            builder.ConfigureTestServices(testServices);
    }
}
