using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JobMonitor.IntegrationTests.Security;

/// <summary>
/// The smallest OpenID Connect provider a bearer-token check needs, on 127.0.0.1: a discovery document naming its
/// issuer and JWKS, the JWKS with one RSA signing key, and tokens signed with it (or, to be refused, with another).
/// </summary>
public sealed class OidcProviderStub : IAsyncDisposable
{
    const string KeyId = "test-signing-key";

    readonly WebApplication app;
    readonly RSA signingKey = RSA.Create(2048);

    OidcProviderStub(WebApplication app) => this.app = app;

    /// <summary>The issuer (no trailing slash): what <c>Auth:Jwt:Authority</c> is set to.</summary>
    public string Authority { get; private set; } = "";

    public static async Task<OidcProviderStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var stub = new OidcProviderStub(builder.Build());
        stub.app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, string>
        {
            ["issuer"] = stub.Authority,
            ["jwks_uri"] = stub.Authority + "/jwks",
        }));
        stub.app.MapGet("/jwks", stub.Jwks);
        await stub.app.StartAsync();
        stub.Authority = AddressOf(stub.app).TrimEnd('/');
        return stub;
    }

    /// <summary>Where a started app on port 0 listens.</summary>
    public static string AddressOf(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();

    /// <summary>A token for <paramref name="user" /> (claim <c>preferred_username</c>), signed with the published key unless <paramref name="signWith" /> is given.</summary>
    public string Token(string user, string audience, TimeSpan? lifetime = null, RSA? signWith = null, string? issuer = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(5));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Authority,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", Guid.NewGuid().ToString()), new Claim("preferred_username", user)]),
            IssuedAt = expires < now ? expires.AddMinutes(-5) : now,
            NotBefore = expires < now ? expires.AddMinutes(-5) : now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signWith ?? signingKey) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256),
        });
    }

    IResult Jwks()
    {
        var key = signingKey.ExportParameters(includePrivateParameters: false);
        return Results.Json(new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", alg = "RS256", kid = KeyId, n = Base64Url.EncodeToString(key.Modulus), e = Base64Url.EncodeToString(key.Exponent) },
            },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        signingKey.Dispose();
    }
}
