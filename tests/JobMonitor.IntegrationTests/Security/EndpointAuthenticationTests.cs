using System.Net;
using System.Text.RegularExpressions;
using JobMonitor.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace JobMonitor.IntegrationTests.Security;

/// <summary>
/// Every endpoint the service maps, read from its <see cref="EndpointDataSource" /> so a new one is covered without
/// being listed here, answers 401 without a key and with a wrong one; only health (and signing in) is anonymous.
/// </summary>
[Collection(ServiceHostCollection.Name)]
public sealed partial class EndpointAuthenticationTests(ServiceHostFixture host)
{
    /// <summary>The endpoints a stranger may call: health, and the sign-in that exchanges a key for a session.</summary>
    static readonly string[] Anonymous = ["ANY /health/live", "ANY /health/ready", "POST /api/session"];

    static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_endpoint_but_health_and_sign_in_is_401_without_a_key_and_with_a_wrong_key()
    {
        var endpoints = Endpoints().Where(e => !Anonymous.Contains(e.Name)).ToList();
        Assert.Contains(endpoints, e => e.Name.StartsWith("GET /api/jobs", StringComparison.Ordinal));
        Assert.Contains(endpoints, e => e.Name.StartsWith("ANY /hangfire", StringComparison.Ordinal));
        using var anonymous = host.ClientFor(null);
        using var wrongKey = host.ClientFor(null);
        wrongKey.DefaultRequestHeaders.Add("X-Api-Key", "not-a-configured-key");

        var failures = new List<string>();
        foreach (var (name, method, path) in endpoints)
        {
            foreach (var (who, client) in new[] { ("no key", anonymous), ("a wrong key", wrongKey) })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method is "POST" or "PUT" or "PATCH")
                    request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancel);
                TestContext.Current.TestOutputHelper?.WriteLine($"{name} ({method} {path}) with {who}: {(int)response.StatusCode}");
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                    failures.Add($"{name} ({method} {path}) with {who}: {(int)response.StatusCode}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void Only_health_and_sign_in_allow_anonymous_callers()
    {
        var allowed = Endpoints(anonymousOnly: true).Select(e => e.Name).Distinct().Order(StringComparer.Ordinal);

        Assert.Equal(Anonymous.Order(StringComparer.Ordinal), allowed);
    }

    [Fact]
    public async Task A_bearer_token_is_401_when_no_token_provider_is_configured()
    {
        using var http = host.ClientFor(null);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "eyJhbGciOiJub25lIn0.e30.");

        using var response = await http.GetAsync(new Uri("/api/me", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_answers_200_to_anyone(string path)
    {
        using var anonymous = host.ClientFor(null);

        using var response = await anonymous.GetAsync(new Uri(path, UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// (name as "METHOD pattern", method, a concrete path) of each route endpoint; parameters get sample values. An
    /// endpoint without method metadata (health, the dashboard) answers any method: it is named ANY and tried with a
    /// read and a command.
    /// </summary>
    IEnumerable<(string Name, string Method, string Path)> Endpoints(bool anonymousOnly = false)
    {
        var source = host.Services.GetRequiredService<EndpointDataSource>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            if (anonymousOnly != endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
                continue;
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var path = Parameter().Replace(pattern, SampleValue);
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            foreach (var method in methods ?? ["GET", "POST"])
                yield return ($"{(methods is null ? "ANY" : method)} {pattern}", method, path);
        }
    }

    static string SampleValue(Match parameter) => parameter.Groups["name"].Value switch
    {
        "path" => "jobs/enqueued",
        var name when name.EndsWith("id", StringComparison.OrdinalIgnoreCase) => Guid.NewGuid().ToString(),
        _ => "sample",
    };

    [GeneratedRegex(@"\{\**(?<name>[A-Za-z]+)[^}]*\}")]
    private static partial Regex Parameter();
}
