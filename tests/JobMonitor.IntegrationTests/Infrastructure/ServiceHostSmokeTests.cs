using System.Net;
using Xunit;

namespace JobMonitor.IntegrationTests.Infrastructure;

[Collection(ServiceHostCollection.Name)]
public sealed class ServiceHostSmokeTests(ServiceHostFixture host)
{
    [Fact]
    public async Task The_service_starts_and_reports_itself_live()
    {
        using var response = await host.Client.GetAsync(new Uri("/health/live", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
