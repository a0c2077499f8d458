using System.Net;
using System.Net.Http.Headers;
using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Security;

/// <summary>
/// An API key is also taken as <c>Authorization: ApiKey {key}</c>, the one header a Prometheus scrape config can send.
/// </summary>
[Collection(ServiceHostCollection.Name)]
public sealed class ApiKeyAuthorizationHeaderTests(ServiceHostFixture host)
{
    [Fact]
    public async Task A_key_in_the_authorization_header_signs_in_as_its_user()
    {
        using var client = host.ClientFor(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", TestUsers.KeyOf(TestUsers.Viewer));

        using var response = await client.GetAsync(new Uri("/api/me", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"\"{TestUsers.Viewer}\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_key_in_the_authorization_header_is_401()
    {
        using var client = host.ClientFor(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", "not-a-configured-key");

        using var response = await client.GetAsync(new Uri("/api/me", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
