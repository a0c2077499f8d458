using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;

namespace JobMonitor.Cli;

/// <summary>Reads <c>--timeout</c>: <c>2h</c>, <c>90s</c>, <c>1h30m</c>, <c>hh:mm:ss</c> or ISO 8601 (<c>PT2H</c>).</summary>
public static partial class Durations
{
    [GeneratedRegex(@"^(?:(?<h>\d+)h)?(?:(?<m>\d+)m)?(?:(?<s>\d+)s)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Units();

    public static TimeSpan? TryParse(string text)
    {
        text = text.Trim();
        var units = Units().Match(text);
        if (text.Length > 0 && units.Success)
            return TimeSpan.FromHours(Part(units, "h")) + TimeSpan.FromMinutes(Part(units, "m")) + TimeSpan.FromSeconds(Part(units, "s"));
        // A bare number would read as days: a clock form needs its colon.
        if (text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var clock))
            return clock;
        try
        {
            return text.StartsWith('P') ? XmlConvert.ToTimeSpan(text) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    static int Part(Match match, string name) =>
        match.Groups[name].Success ? int.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
}
