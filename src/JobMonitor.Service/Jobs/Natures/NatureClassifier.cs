namespace JobMonitor.Service.Jobs.Natures;

/// <summary>The natures of a job (SQL, .NET, Docker…), from the paths its revisions change.</summary>
public sealed class NatureClassifier
{
    readonly (GlobPattern Glob, string Nature)[] rules;

    public NatureClassifier(IEnumerable<NatureRule> rules) =>
        this.rules = [.. rules.Select(r => (new GlobPattern(r.Pattern), r.Nature.Trim()))];

    /// <summary>Distinct natures, sorted ordinally; empty when no path matches.</summary>
    public IReadOnlyList<string> Classify(IReadOnlyList<Revision> revisions)
    {
        var natures = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in revisions.SelectMany(r => r.Paths))
        {
            foreach (var (glob, nature) in rules)
            {
                if (!natures.Contains(nature) && glob.IsMatch(path))
                    natures.Add(nature);
            }
        }
        return [.. natures];
    }
}
