namespace JobMonitor.Service.Security;

/// <summary>
/// The scopes a configured resource (a script, an http base URL, a dispatch queue) is limited to, as
/// <c>project/environment</c> patterns; no pattern means every scope.
/// </summary>
public sealed class ScopeList
{
    readonly ScopePattern[] patterns;

    ScopeList(ScopePattern[] patterns) => this.patterns = patterns;

    public static ScopeList Everywhere { get; } = new([]);

    /// <exception cref="FormatException">A pattern is not <c>project/environment</c>.</exception>
    public static ScopeList Parse(IEnumerable<string>? patterns) =>
        patterns is null ? Everywhere : new([.. patterns.Select(ScopePattern.Parse)]);

    public bool IsLimited => patterns.Length > 0;

    /// <summary>A job whose scope is unknown is covered only by an unlimited list.</summary>
    public bool Covers(string? project, string? environment) =>
        patterns.Length == 0 || (project is not null && environment is not null && patterns.Any(p => p.Covers(project, environment)));

    public override string ToString() => string.Join(", ", patterns.Select(p => p.Text));
}
