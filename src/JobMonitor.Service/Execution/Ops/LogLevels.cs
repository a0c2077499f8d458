namespace JobMonitor.Service.Execution.Ops;

/// <summary>Job log levels an op may write.</summary>
public static class LogLevels
{
    public const string Debug = "debug";
    public const string Info = "info";
    public const string Warn = "warn";
    public const string Error = "error";

    /// <summary>Every level, least severe first.</summary>
    public static IReadOnlyList<string> All { get; } = [Debug, Info, Warn, Error];

    /// <summary>The level of a log op's <c>level</c> param; null when it is not one.</summary>
    public static string? Parse(string? level) => level?.Trim().ToLowerInvariant() switch
    {
        null or "" => Info,
        Debug => Debug,
        Info or "information" => Info,
        Warn or "warning" => Warn,
        Error => Error,
        _ => null,
    };
}
