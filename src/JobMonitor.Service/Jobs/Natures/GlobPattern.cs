namespace JobMonitor.Service.Jobs.Natures;

/// <summary>
/// A path glob: <c>*</c> is any run of characters within a name, <c>?</c> one character, and a <c>**</c> segment any
/// number of directories, none included (<c>**/*.sql</c> matches <c>a.sql</c> and <c>db/x/a.sql</c>). Names compare
/// case-sensitively; paths use <c>/</c>, a leading <c>/</c> or <c>./</c> is ignored.
/// </summary>
public sealed class GlobPattern
{
    const string AnyDirectories = "**";

    readonly string[] segments;

    public GlobPattern(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        Pattern = pattern;
        segments = Split(pattern);
    }

    public string Pattern { get; }

    public bool IsMatch(string path) => MatchSegments(segments, 0, Split(path), 0);

    static string[] Split(string path)
    {
        var trimmed = path.Replace('\\', '/');
        while (trimmed.StartsWith("./", StringComparison.Ordinal))
            trimmed = trimmed[2..];
        return trimmed.Split('/', StringSplitOptions.RemoveEmptyEntries);
    }

    static bool MatchSegments(string[] pattern, int p, string[] path, int s)
    {
        while (p < pattern.Length)
        {
            if (pattern[p] == AnyDirectories)
            {
                // Collapse runs of ** and try every number of skipped directories, zero first.
                while (p < pattern.Length && pattern[p] == AnyDirectories)
                    p++;
                if (p == pattern.Length)
                    return true;
                for (var skip = s; skip < path.Length; skip++)
                {
                    if (MatchSegments(pattern, p, path, skip))
                        return true;
                }
                return false;
            }
            if (s == path.Length || !MatchName(pattern[p], path[s]))
                return false;
            p++;
            s++;
        }
        return s == path.Length;
    }

    /// <summary>One name against one pattern segment, backtracking to the last <c>*</c> on a mismatch.</summary>
    static bool MatchName(string pattern, string name)
    {
        int p = 0, n = 0, star = -1, resume = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n]) && pattern[p] != '*')
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = n;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
            p++;
        return p == pattern.Length;
    }

    public override string ToString() => Pattern;
}
