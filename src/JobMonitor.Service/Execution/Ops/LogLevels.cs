using System.Text.Json.Serialization;

namespace JobMonitor.Service.Execution.Ops;

/// <summary>The level of a job log line. The log table, the read API and the job document carry the lower-case name.</summary>
public enum JobLogLevel
{
    [JsonStringEnumMemberName("debug")] Debug,
    [JsonStringEnumMemberName("info")] Info,
    [JsonStringEnumMemberName("warn")] Warn,
    [JsonStringEnumMemberName("error")] Error,

    /// <summary>A person's comment, beside the levels an op writes.</summary>
    [JsonStringEnumMemberName("comment")] Comment,
}

public static class LogLevels
{
    public static string Wire(this JobLogLevel level) => WireNames.Of(level);

    /// <summary>The levels an op may write, least severe first, by their names.</summary>
    public static IReadOnlyList<string> OpLevels { get; } =
        [JobLogLevel.Debug.Wire(), JobLogLevel.Info.Wire(), JobLogLevel.Warn.Wire(), JobLogLevel.Error.Wire()];

    /// <summary>Every level by its name, a comment's too.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<JobLogLevel>().Select(l => l.Wire())];

    /// <summary>The level of a log op's <c>level</c> param or an agent's line (info when absent); null when it is not one an op may write.</summary>
    public static JobLogLevel? Parse(string? level) => level?.Trim().ToLowerInvariant() switch
    {
        null or "" or "information" => JobLogLevel.Info,
        "warning" => JobLogLevel.Warn,
        var name when WireNames.TryParse<JobLogLevel>(name, out var parsed) && parsed != JobLogLevel.Comment => parsed,
        _ => null,
    };
}
