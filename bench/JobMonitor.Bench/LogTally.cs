using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace JobMonitor.Bench;

/// <summary>
/// Counts the service's warnings and errors by category and message template, so the summary can say where
/// things went wrong without the console drowning the figures.
/// </summary>
public sealed class LogTally : ILoggerProvider
{
    readonly ConcurrentDictionary<string, long> _counts = new();

    public IReadOnlyDictionary<string, long> Counts => _counts;

    public ILogger CreateLogger(string categoryName) => new Counter(this, categoryName);

    public void Dispose()
    {
    }

    void Add(string category, LogLevel level, string template, Exception? exception)
    {
        var key = $"{level} {category}: {template}{(exception is null ? "" : $" [{exception.GetType().Name}]")}";
        _counts.AddOrUpdate(key, 1, (_, n) => n + 1);
    }

    sealed class Counter(LogTally tally, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            // The template, not the formatted text: one entry per kind of message rather than per job.
            var template = state is IReadOnlyList<KeyValuePair<string, object?>> values
                && values.FirstOrDefault(v => v.Key == "{OriginalFormat}").Value is string format
                    ? format
                    : formatter(state, exception);
            tally.Add(category, logLevel, template, exception);
        }
    }
}
