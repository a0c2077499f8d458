using JobMonitor.Contracts;

namespace JobMonitor.Service.Execution;

/// <summary>
/// Hides the values of an op's secret params in log text. A secret name is a param name (<c>args</c> hides every
/// argument, <c>env</c> or <c>headers</c> every value) or the name of one env variable or header. The service's own
/// secrets are always hidden.
/// </summary>
public sealed class SecretMask
{
    public const string Mask = "***";

    public static SecretMask None { get; } = new([]);

    readonly string[] values;

    SecretMask(IEnumerable<string> values) =>
        // Longest first, so a secret that contains another is hidden whole.
        this.values = [.. values.Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length)];

    public bool IsEmpty => values.Length == 0;

    /// <summary>The op's secret params, and the service's own secrets (<see cref="ServiceSecrets"/>).</summary>
    public static SecretMask For(OpParams parameters, IReadOnlyList<string> secretNames, ServiceSecrets service)
    {
        var found = new List<string>(service.Values);
        foreach (var name in secretNames)
            found.AddRange(ValuesNamed(parameters, name));
        return found.Count == 0 ? None : new SecretMask(found);
    }

    public string Apply(string text)
    {
        foreach (var value in values)
            text = text.Replace(value, Mask, StringComparison.Ordinal);
        return text;
    }

    static IEnumerable<string> ValuesNamed(OpParams p, string name)
    {
        IEnumerable<string> whole = name.ToLowerInvariant() switch
        {
            "message" => One(p.Message),
            "script" => One(p.Script),
            "args" => p.Args ?? [],
            "env" => p.Env?.Values ?? [],
            "url" => One(p.Url),
            "headers" => p.Headers?.Values ?? [],
            "body" => One(p.Body),
            "payload" => One(p.Payload),
            _ => [],
        };
        return whole.Concat(Lookup(p.Env, name)).Concat(Lookup(p.Headers, name));
    }

    static IEnumerable<string> One(string? value) => value is null ? [] : [value];

    static IEnumerable<string> Lookup(IReadOnlyDictionary<string, string>? map, string name) =>
        map is null ? [] : map.Where(kv => string.Equals(kv.Key, name, StringComparison.Ordinal)).Select(kv => kv.Value);
}
