using System.Text;
using System.Text.RegularExpressions;

namespace JobMonitor.Service.Security;

/// <summary>
/// A <c>project/environment</c> pattern of a role's scopes; <c>*</c> matches any run of characters (<c>shop/*</c>,
/// <c>*/DEV</c>, <c>*/*</c>). Names compare case-sensitively, as they are stored.
/// </summary>
public sealed class ScopePattern
{
    readonly Regex project;
    readonly Regex environment;

    ScopePattern(string text, string projectPattern, string environmentPattern)
    {
        Text = text;
        ProjectLike = ToLike(projectPattern);
        EnvironmentLike = ToLike(environmentPattern);
        project = ToRegex(projectPattern);
        environment = ToRegex(environmentPattern);
    }

    public string Text { get; }

    /// <summary>The project pattern as an SQL LIKE pattern (escape character <c>\</c>).</summary>
    public string ProjectLike { get; }

    /// <summary>The environment pattern as an SQL LIKE pattern (escape character <c>\</c>).</summary>
    public string EnvironmentLike { get; }

    public bool Covers(string projectName, string environmentName) =>
        project.IsMatch(projectName) && environment.IsMatch(environmentName);

    /// <exception cref="FormatException">The text is not <c>project/environment</c>.</exception>
    public static ScopePattern Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || parts.Any(string.IsNullOrWhiteSpace))
            throw new FormatException($"Scope '{text}' is not 'project/environment' (use * for any, e.g. 'shop/*').");
        return new ScopePattern(text, parts[0].Trim(), parts[1].Trim());
    }

    static Regex ToRegex(string pattern) =>
        new("^" + string.Join(".*", pattern.Split('*').Select(Regex.Escape)) + "$", RegexOptions.CultureInvariant);

    static string ToLike(string pattern)
    {
        var like = new StringBuilder(pattern.Length + 4);
        foreach (var c in pattern)
        {
            if (c == '*')
                like.Append('%');
            else
            {
                if (c is '%' or '_' or '\\')
                    like.Append('\\');
                like.Append(c);
            }
        }
        return like.ToString();
    }
}
