using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace JobMonitor.Service.Persistence;

/// <summary>Where a job list page ended. Opaque to clients: base64url of the last row's created_at ticks and id.</summary>
internal readonly record struct JobCursor(DateTimeOffset CreatedAt, Guid Id)
{
    public override string ToString() =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(
            $"{CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{Id:N}"));

    public static JobCursor Parse(string text)
    {
        var parts = Base64Url.IsValid(text)
            ? Encoding.ASCII.GetString(Base64Url.DecodeFromChars(text)).Split(':')
            : [];
        if (parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks
            && Guid.TryParseExact(parts[1], "N", out var id))
            return new JobCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
        throw new FormatException("The cursor is not one this service returned.");
    }
}
