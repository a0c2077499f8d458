using System.Text.RegularExpressions;
using JobMonitor.Service.Persistence;

namespace JobMonitor.Service.Security;

/// <summary>
/// A <c>project/environment</c> pattern of a role's scopes; <c>*</c> matches any run of characters (<c>shop/*</c>,
/// <c>*/DEV</c>, <c>*/*</c>). Names compare case-sensitively, as they are stored.
/// </summary>
public sealed class ScopePattern
{
    ScopePattern(string text, NamePattern project, NamePattern environment)
    {
        Text = text;
        Project = project;
        Environment = environment;
    }

    public string Text { get; }

    public NamePattern Project { get; }

    public NamePattern Environment { get; }

    public bool Covers(string projectName, string environmentName) =>
        Project.IsMatch(projectName) && Environment.IsMatch(environmentName);

    /// <exception cref="FormatException">The text is not <c>project/environment</c>.</exception>
    public static ScopePattern Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || parts.Any(string.IsNullOrWhiteSpace))
            throw new FormatException($"Scope '{text}' is not 'project/environment' (use * for any, e.g. 'shop/*').");
        return new ScopePattern(text, new NamePattern(parts[0].Trim()), new NamePattern(parts[1].Trim()));
    }
}

/// <summary>One half of a <see cref="ScopePattern" />: a name, or a pattern with <c>*</c> for any run of characters.</summary>
public sealed class NamePattern
{
    readonly Regex regex;

    public NamePattern(string pattern)
    {
        var pieces = pattern.Split('*');
        Literal = pieces.Length == 1 ? pattern : null;
        MatchesAll = pattern == "*";
        Like = string.Join('%', pieces.Select(SqlLike.Escape));
        regex = new Regex("^" + string.Join(".*", pieces.Select(Regex.Escape)) + "$", RegexOptions.CultureInvariant);
    }

    /// <summary>The name itself when the pattern has no <c>*</c>: compared with = so that an index serves it.</summary>
    public string? Literal { get; }

    public bool MatchesAll { get; }

    /// <summary>The pattern as an SQL LIKE pattern (escape character <c>\</c>).</summary>
    public string Like { get; }

    public bool IsMatch(string name) => regex.IsMatch(name);
}
