using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Jobs;

[Collection(ServiceHostCollection.Name)]
public sealed class AuthenticationTests(ServiceHostFixture host)
{
    [Theory]
    [InlineData(null)]
    [InlineData("not-a-configured-key")]
    public async Task The_api_answers_401_without_a_known_key(string? key)
    {
        using var http = host.ClientFor(null);
        if (key is not null)
            http.DefaultRequestHeaders.Add("X-Api-Key", key);

        using var response = await http.GetAsync(new Uri("/api/jobs", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Health_answers_without_a_key_and_the_api_with_a_configured_key()
    {
        using var anonymous = host.ClientFor(null);
        using var viewer = host.ClientFor(TestUsers.Viewer);

        using var live = await anonymous.GetAsync(new Uri("/health/live", UriKind.Relative), TestContext.Current.CancellationToken);
        using var jobs = await viewer.GetAsync(new Uri("/api/jobs", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, jobs.StatusCode);
    }

    [Fact]
    public async Task A_session_signed_in_with_a_key_carries_the_user_in_a_cookie_until_sign_out()
    {
        using var browser = host.ClientFor(null);
        var cancel = TestContext.Current.CancellationToken;

        using var refused = await browser.PostAsJsonAsync("/api/session", new { apiKey = "wrong" }, cancel);
        using var signIn = await browser.PostAsJsonAsync("/api/session", new { apiKey = TestUsers.KeyOf(TestUsers.ShopOperator) }, cancel);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        using var me = await browser.GetFromJsonAsync<JsonDocument>("/api/me", cancel);
        using var signOut = await browser.DeleteAsync(new Uri("/api/session", UriKind.Relative), cancel);
        using var after = await browser.GetAsync(new Uri("/api/me", UriKind.Relative), cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(TestUsers.KeyOf(TestUsers.ShopOperator), cookie, StringComparison.Ordinal);
        Assert.Equal(TestUsers.ShopOperator, me!.RootElement.GetProperty("name").GetString());
        Assert.Equal(["action.job.view_monitor", "action.job.restart", "action.job.cancel"],
            me.RootElement.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!));
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }
}
