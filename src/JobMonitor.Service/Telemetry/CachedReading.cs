namespace JobMonitor.Service.Telemetry;

/// <summary>
/// A reading that is taken at most once per period however often the gauges are observed. A failed reading keeps the
/// last good one.
/// </summary>
public sealed class CachedReading<T>(Func<T> read, T initial, TimeSpan period, TimeProvider time, Action<Exception> failed)
{
    readonly Lock gate = new();
    T value = initial;
    DateTimeOffset readAt = DateTimeOffset.MinValue;

    public T Value
    {
        get
        {
            lock (gate)
            {
                var now = time.GetUtcNow();
                if (now - readAt < period)
                    return value;
                readAt = now;
                try
                {
                    value = read();
                }
                catch (Exception e)
                {
                    failed(e);
                }
                return value;
            }
        }
    }
}
