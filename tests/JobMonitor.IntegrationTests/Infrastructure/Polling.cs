using System.Diagnostics;

namespace JobMonitor.IntegrationTests.Infrastructure;

/// <summary>
/// The tests' one polling-with-deadline helper. It lives apart from <see cref="ServiceHostFixture"/> so that the
/// child-process instance, the fault suite and the specs can compile it in without the in-process host.
/// </summary>
public static class Polling
{
    static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(20);
    static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> naming
    /// <paramref name="what"/> when <paramref name="timeout"/> passes first.
    /// </summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        WaitUntilAsync(condition, timeout, () => what);

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds. <paramref name="what"/> is asked at the time-out, so that it
    /// can tell what was seen last. The pause between polls grows from 20 ms to 500 ms, unless <paramref name="every"/>
    /// fixes it: for a state that lasts only a moment, or a condition that must be asked at a steady pace.
    /// </summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what, TimeSpan? every = null)
    {
        var clock = Stopwatch.StartNew();
        var pause = every ?? FirstPause;
        while (!await condition())
        {
            if (clock.Elapsed >= timeout)
                throw new TimeoutException($"Gave up after {timeout.TotalSeconds:0.#} s waiting for {what()}.");
            await Task.Delay(pause);
            if (every is null)
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
        }
    }
}
