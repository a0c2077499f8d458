namespace JobMonitor.Service.Security;

/// <summary>
/// Section <c>Auth</c>. <c>Auth:ApiKeys:&lt;user&gt;</c> = <c>sha256:&lt;hex&gt;</c>: the SHA-256 of a key that signs in as
/// that user (keys themselves are never stored). <c>Auth:Jwt</c>: an OIDC authority whose bearer tokens are accepted.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public Dictionary<string, string> ApiKeys { get; init; } = new(StringComparer.Ordinal);

    public JwtOptions Jwt { get; init; } = new();
}

/// <summary>
/// <c>Auth:Jwt</c>: bearer tokens of an OpenID Connect provider, checked against the keys its discovery document
/// names. Unset <see cref="Authority" />: no bearer token is accepted.
/// </summary>
public sealed class JwtOptions
{
    /// <summary>The issuer; its <c>/.well-known/openid-configuration</c> is fetched for the signing keys.</summary>
    public string? Authority { get; init; }

    /// <summary>The <c>aud</c> a token must carry (required with an authority).</summary>
    public string? Audience { get; init; }

    /// <summary>The claim whose value is the user name looked up in <c>Permissions:Users</c>.</summary>
    public string NameClaim { get; init; } = "preferred_username";

    /// <summary>An <c>http://</c> authority is refused unless this is false (a provider on the same machine, in development).</summary>
    public bool RequireHttpsMetadata { get; init; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}
