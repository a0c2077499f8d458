namespace JobMonitor.Service.Jobs.Check;

/// <summary>
/// The bounds every entry point applies (CHECK, the saga's commands, the action API): instants near enough to now,
/// durations short enough for a timer, one-line texts. So nothing overflows downstream (a date plus a window, a
/// <c>Task.Delay</c>, a trap deadline) and no CR/LF reaches a log line.
/// </summary>
public static class InputBounds
{
    public static Rejection? Instant(string text, string field, DateTimeOffset now, JobLimits limits, out DateTimeOffset instant)
    {
        if (!InstantAndDuration.TryParseInstant(text, out instant))
            return new Rejection(RejectionCodes.InvalidDate,
                $"{field} '{Clip(text)}' is not an ISO 8601 instant with an offset (e.g. 2026-12-01T22:00:00Z).", field);
        var distance = instant - now;
        return distance.Duration() <= limits.MaxScheduleAhead ? null
            : new Rejection(RejectionCodes.OutOfRange,
                $"{field} {instant:O} is more than {limits.MaxScheduleAhead:c} from now (Jobs:Limits:MaxScheduleAhead).", field);
    }

    public static Rejection? Duration(string text, string field, JobLimits limits, out TimeSpan duration)
    {
        if (!InstantAndDuration.TryParseDuration(text, out duration))
            return new Rejection(RejectionCodes.InvalidDuration,
                $"{field} '{Clip(text)}' is not a duration (ISO 8601 such as PT90S, or hh:mm:ss).", field);
        return duration <= limits.MaxDuration ? null
            : new Rejection(RejectionCodes.OutOfRange,
                $"{field} {duration:c} is longer than {limits.MaxDuration:c} (Jobs:Limits:MaxDuration).", field);
    }

    /// <summary>A name, user or comment: at most <paramref name="maxLength" /> characters, none of them a control character.</summary>
    public static Rejection? Line(string? text, string field, int maxLength)
    {
        if (text is null)
            return null;
        if (text.Length > maxLength)
            return new Rejection(RejectionCodes.FieldTooLong, $"{field} is {text.Length} characters long; the limit is {maxLength}.", field);
        var at = text.AsSpan().IndexOfAny(ControlCharacters);
        return at < 0 ? null
            : new Rejection(RejectionCodes.ControlCharacter,
                $"{field} holds a control character (U+{(int)text[at]:X4}) at position {at}; it must be one line of text.", field);
    }

    /// <summary>A value quoted in a message: at most 40 characters, control characters shown as <c>\uXXXX</c>, never raw.</summary>
    public static string Clip(string value)
    {
        var head = value.Length <= 40 ? value : value[..40] + "…";
        return head.AsSpan().IndexOfAny(ControlCharacters) < 0 ? head
            : string.Concat(head.Select(c => ControlCharacters.Contains(c) ? $"\\u{(int)c:X4}" : c.ToString()));
    }

    // C0 and C1 controls, DEL, and the Unicode line and paragraph separators: each can break a log line.
    static readonly System.Buffers.SearchValues<char> ControlCharacters = System.Buffers.SearchValues.Create(
        Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Concat([0x2028, 0x2029]).Select(c => (char)c).ToArray());
}
