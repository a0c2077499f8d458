using JobMonitor.Service.Security;

namespace JobMonitor.Service.Execution.Ops;

/// <summary>
/// Base URLs an http op may call under. A URL is under a base when scheme, host and port are equal and its path lies
/// below the base path segment by segment: <c>https://a.example/api</c> allows <c>/api</c> and <c>/api/x</c>, never
/// <c>/api2</c>, and <c>https://a.example</c> never allows <c>https://a.example.evil</c>. A base may be limited to
/// the jobs of some scopes.
/// </summary>
public sealed class UrlAllowList
{
    readonly (Uri Base, ScopeList Scopes)[] bases;

    public UrlAllowList(IEnumerable<string> baseUrls, IEnumerable<ScopedBaseUrl>? scopedBaseUrls = null) =>
        bases =
        [
            .. baseUrls.Select(u => (Parse(u), ScopeList.Everywhere)),
            .. (scopedBaseUrls ?? []).Select(s => (Parse(s.Url), ScopeList.Parse(s.Scopes))),
        ];

    public static UrlAllowList From(HttpOpOptions options) => new(options.AllowedBaseUrls, options.ScopedBaseUrls);

    public static bool TryParseBase(string? url, out Uri uri)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var parsed) && IsHttp(parsed) && parsed.UserInfo.Length == 0
            && parsed.Query.Length == 0 && parsed.Fragment.Length == 0)
        {
            uri = parsed;
            return true;
        }
        uri = null!;
        return false;
    }

    /// <summary>True when the URL lies under some base, whatever its scopes.</summary>
    public bool Allows(Uri url) => Matching(url).Any();

    /// <summary>True when the URL lies under a base that a job of this scope may call.</summary>
    public bool Allows(Uri url, string? project, string? environment) =>
        Matching(url).Any(b => b.Scopes.Covers(project, environment));

    IEnumerable<(Uri Base, ScopeList Scopes)> Matching(Uri url) =>
        url.IsAbsoluteUri && IsHttp(url) && url.UserInfo.Length == 0 ? bases.Where(b => IsUnder(url, b.Base)) : [];

    static Uri Parse(string url) =>
        TryParseBase(url, out var uri) ? uri : throw new ArgumentException($"'{url}' is not an absolute http(s) URL", nameof(url));

    static bool IsHttp(Uri uri) => uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps;

    static bool IsUnder(Uri url, Uri baseUrl)
    {
        if (!string.Equals(url.Scheme, baseUrl.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(url.IdnHost, baseUrl.IdnHost, StringComparison.OrdinalIgnoreCase)
            || url.Port != baseUrl.Port)
            return false;
        // Uri has already removed dot segments, so /api/../admin is /admin here.
        var basePath = baseUrl.AbsolutePath.TrimEnd('/');
        var path = url.AbsolutePath;
        return basePath.Length == 0
            || string.Equals(path, basePath, StringComparison.Ordinal)
            || path.StartsWith(basePath + "/", StringComparison.Ordinal);
    }
}
