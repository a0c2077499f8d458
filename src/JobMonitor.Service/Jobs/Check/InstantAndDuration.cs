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
            catch (FormatException)
            {
                return false;
            }
        }
        else if (!ClockPattern().IsMatch(text) || !TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration))
        {
            return false;
        }
        return duration >= TimeSpan.Zero;
    }

    // An offset is required: a bare local time would mean different instants on different hosts.
    [GeneratedRegex(InstantShape)]
    private static partial Regex InstantPattern();

    [GeneratedRegex(@"^\d{1,4}:\d{2}:\d{2}(\.\d{1,7})?$")]
    private static partial Regex ClockPattern();
}
