using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;

namespace JobMonitor.Service.Jobs.Check;

/// <summary>Parses the wire formats of SPEC §10: ISO 8601 instants with an offset, ISO 8601 or hh:mm:ss durations.</summary>
public static partial class InstantAndDuration
{
    /// <summary>An instant's shape; the message schemas carry it too.</summary>
    public const string InstantShape = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$";

    /// <summary>A duration's shape as the message schemas state it: ISO 8601 (XmlConvert's form) or hh:mm:ss.</summary>
    public const string DurationShape = @"^(P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?|\d{1,2}:[0-5]\d:[0-5]\d(\.\d{1,7})?)$";

    public static bool TryParseInstant(string text, out DateTimeOffset instant)
    {
        instant = default;
        return InstantPattern().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out instant);
    }

    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        if (text.StartsWith('P'))
        {
            try
            {
                duration = XmlConvert.ToTimeSpan(text);
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                return false;
            }
        }
        else if (ClockPattern().Match(text) is not { Success: true } clock || !TryClock(clock, out duration))
        {
            return false;
        }
        return duration >= TimeSpan.Zero;
    }

    // TimeSpan.Parse reads "720:00:00" as 720 days: hours are counted here, as the format says.
    static bool TryClock(Match clock, out TimeSpan duration)
    {
        var minutes = int.Parse(clock.Groups["m"].Value, CultureInfo.InvariantCulture);
        var seconds = decimal.Parse(clock.Groups["s"].Value, CultureInfo.InvariantCulture);
        duration = new TimeSpan(int.Parse(clock.Groups["h"].Value, CultureInfo.InvariantCulture), minutes, 0)
            + TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
        return minutes < 60 && seconds < 60;
    }

    // An offset is required: a bare local time would mean different instants on different hosts.
    [GeneratedRegex(InstantShape)]
    private static partial Regex InstantPattern();

    [GeneratedRegex(@"^(?<h>\d{1,4}):(?<m>\d{2}):(?<s>\d{2}(\.\d{1,7})?)$")]
    private static partial Regex ClockPattern();
}
