using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.Service.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace JobMonitor.IntegrationTests.Security;

/// <summary>
/// Bearer tokens over real HTTP: the service's authentication and permission wiring (the same calls the service makes,
/// without its bus and database) on Kestrel, configured with <c>Auth:Jwt</c> pointing at a provider this test runs.
/// The service fetches the provider's discovery document and keys like it would from any OIDC provider.
/// </summary>
public sealed class JwtBearerTests : IAsyncLifetime
{
    const string Audience = "jobmonitor";
    const string User = "jwt-viewer";

    OidcProviderStub provider = null!;
    WebApplication service = null!;
    HttpClient http = null!;

    static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        provider = await OidcProviderStub.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Jwt:Authority"] = provider.Authority,
            ["Auth:Jwt:Audience"] = Audience,
            ["Auth:Jwt:RequireHttpsMetadata"] = "false",
            ["Auth:ApiKeys:viewer"] = TestUsers.Settings()["Auth:ApiKeys:viewer"],
            ["Permissions:Roles:viewers:Actions:0"] = JobAction.ViewMonitor.Wire(),
            ["Permissions:Roles:viewers:Scopes:0"] = "*/*",
            [$"Permissions:Users:{User}:0"] = "viewers",
            ["Permissions:Users:viewer:0"] = "viewers",
        });
        builder.AddJobAccess();
        builder.AddApiAuthentication();
        service = builder.Build();
        service.UseAuthentication();
        service.UseAuthorization();
        service.MapSessionApi();
        await service.StartAsync(Cancel);
        http = new HttpClient { BaseAddress = new Uri(OidcProviderStub.AddressOf(service)) };
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await service.StopAsync();
        await service.DisposeAsync();
        await provider.DisposeAsync();
    }

    [Fact]
    public async Task A_token_of_the_configured_provider_signs_in_the_user_its_name_claim_names()
    {
        using var response = await MeAsync(provider.Token(User, Audience));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var me = await response.Content.ReadFromJsonAsync<JsonDocument>(Cancel);
        Assert.Equal(User, me!.RootElement.GetProperty("name").GetString());
        Assert.Equal([JobAction.ViewMonitor.Wire()], me.RootElement.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
    }

    [Theory]
    [InlineData("another audience")]
    [InlineData("another signing key")]
    [InlineData("another issuer")]
    [InlineData("expired")]
    [InlineData("not a token")]
    public async Task A_token_the_provider_did_not_issue_for_this_service_is_401(string flaw)
    {
        using var otherKey = RSA.Create(2048);
        var token = flaw switch
        {
            "another audience" => provider.Token(User, "someone-else"),
            "another signing key" => provider.Token(User, Audience, signWith: otherKey),
            "another issuer" => provider.Token(User, Audience, issuer: "http://127.0.0.1:1"),
            "expired" => provider.Token(User, Audience, lifetime: TimeSpan.FromMinutes(-10)),
            _ => "not-a-token",
        };

        using var response = await MeAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task An_api_key_still_signs_in_beside_bearer_tokens()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Add("X-Api-Key", TestUsers.KeyOf(TestUsers.Viewer));

        using var response = await http.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    async Task<HttpResponseMessage> MeAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request, Cancel);
    }
}
