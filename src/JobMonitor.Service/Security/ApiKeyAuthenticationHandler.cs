using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Security;

/// <summary>
/// Signs a request in as the user whose key is in the <c>X-Api-Key</c> header, or in <c>Authorization: ApiKey {key}</c>:
/// the one header a Prometheus scrape config can set (<c>authorization: { type: ApiKey, credentials_file: … }</c>).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyHashes keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    const string AuthorizationPrefix = SchemeName + " ";

    /// <summary>Whether the request presents a key, in either header.</summary>
    public static bool Presents(HttpRequest request) =>
        request.Headers.ContainsKey(Header)
        || request.Headers.Authorization.ToString().StartsWith(AuthorizationPrefix, StringComparison.OrdinalIgnoreCase);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = Request.Headers.TryGetValue(Header, out var values)
            ? values.ToString()
            : Request.Headers.Authorization.ToString() is var authorization && authorization.StartsWith(AuthorizationPrefix, StringComparison.OrdinalIgnoreCase)
                ? authorization[AuthorizationPrefix.Length..].Trim()
                : "";
        if (string.IsNullOrEmpty(key))
            return Task.FromResult(AuthenticateResult.NoResult());
        var user = keys.UserOf(key);
        if (user is null)
            return Task.FromResult(AuthenticateResult.Fail("The API key is not a known key."));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
