namespace JobMonitor.Service.Security;

/// <summary>
/// Section <c>Auth</c>. <c>Auth:ApiKeys:&lt;user&gt;</c> = <c>sha256:&lt;hex&gt;</c>: the SHA-256 of a key that signs in as
/// that user (keys themselves are never stored). <c>Auth:Jwt</c>: an OIDC authority whose bearer tokens are accepted.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public Dictionary<string, string> ApiKeys { get; init; } = new(StringComparer.Ordinal);
}
