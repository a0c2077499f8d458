using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace JobMonitor.Service.Persistence;

/// <summary>
/// Where a job list page ended: the sort and direction it belongs to, the last row's sort value (null when the
/// row had none, e.g. not started yet) and its id. Opaque to clients: base64url of <c>sort:a|d:id:value</c>.
/// </summary>
internal sealed record JobListCursor(JobSort Sort, bool Descending, Guid Id, DateTimeOffset? At, string? Key)
{
    const string NullValue = "n";
    const string InstantValue = "t";
    const string KeyValue = "k";

    public bool HasValue => At is not null || Key is not null;

    public static JobListCursor After(JobListQuery query, JobSummary last) => query.Sort switch
    {
        JobSort.Key => new(query.Sort, query.Descending, last.Id, null, last.Key),
        var sort => new(query.Sort, query.Descending, last.Id, JobListColumns.InstantOf(sort, last), null),
    };

    public override string ToString()
    {
        var value = Key is not null ? KeyValue + Key
            : At is { } at ? InstantValue + at.UtcTicks.ToString(CultureInfo.InvariantCulture)
            : NullValue;
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            $"{(int)Sort}:{(Descending ? "d" : "a")}:{Id:N}:{value}"));
    }

    /// <exception cref="FormatException">Not a cursor of this service, or one of another sort or direction.</exception>
    public static JobListCursor Parse(string text, JobListQuery query)
    {
        var cursor = TryParse(text) ?? throw new FormatException("The cursor is not one this service returned.");
        if (cursor.Sort != query.Sort || cursor.Descending != query.Descending)
            throw new FormatException("The cursor belongs to another sort or order; start again without it.");
        return cursor;
    }

    static JobListCursor? TryParse(string text)
    {
        if (!Base64Url.IsValid(text))
            return null;
        string[] parts;
        try
        {
            parts = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(text)).Split(':', 4);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        if (parts.Length != 4
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sortNumber)
            || !Enum.IsDefined((JobSort)sortNumber)
            || parts[1] is not ("a" or "d")
            || !Guid.TryParseExact(parts[2], "N", out var id))
            return null;
        var sort = (JobSort)sortNumber;
        var descending = parts[1] == "d";
        var value = parts[3];
        if (sort == JobSort.Key)
            return value.StartsWith(KeyValue, StringComparison.Ordinal) ? new(sort, descending, id, null, value[1..]) : null;
        if (value == NullValue)
            return JobListColumns.IsNullable(sort) ? new(sort, descending, id, null, null) : null;
        return value.StartsWith(InstantValue, StringComparison.Ordinal)
            && long.TryParse(value.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks
                ? new(sort, descending, id, new DateTimeOffset(ticks, TimeSpan.Zero), null)
                : null;
    }
}
