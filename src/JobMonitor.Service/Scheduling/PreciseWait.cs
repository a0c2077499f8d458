namespace JobMonitor.Service.Scheduling;

/// <summary>Waits that end on the wall clock, never before their instant.</summary>
public static class PreciseWait
{
    // Timers on Linux overshoot by a millisecond or more: below this the rest of the wait spins.
    static readonly TimeSpan SpinBelow = TimeSpan.FromMilliseconds(3);
    static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    /// <summary>Sleeps until about <paramref name="instant"/>; may end a little late, or at once when it is past.</summary>
    public static async Task SleepUntilAsync(this TimeProvider time, DateTimeOffset instant, CancellationToken cancellationToken)
    {
        var remaining = instant - time.GetUtcNow();
        if (remaining > TimeSpan.Zero)
            await Task.Delay(remaining, time, cancellationToken);
    }

    /// <summary>Returns the first reading of the clock at or after <paramref name="instant"/>, within microseconds of it.</summary>
    public static async Task<DateTimeOffset> WaitUntilAsync(this TimeProvider time, DateTimeOffset instant, CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = time.GetUtcNow();
            var remaining = instant - now;
            if (remaining <= TimeSpan.Zero)
                return now;
            if (remaining > SpinBelow)
                await Task.Delay(Tick, time, cancellationToken);
            else
                Thread.SpinWait(50);
        }
    }
}
