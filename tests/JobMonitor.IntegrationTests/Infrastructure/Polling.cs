using System.Diagnostics;

namespace JobMonitor.IntegrationTests.Infrastructure;

/// <summary>
/// The tests' one polling-with-deadline helper. It lives apart from <see cref="ServiceHostFixture"/> so that the
/// child-process instance and the fault suite can compile it in without the in-process host.
/// </summary>
public static class Polling
{
    /// <summary>
    /// Polls <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> naming
    /// <paramref name="what"/> when <paramref name="timeout"/> passes first.
    /// </summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(20);
        while (!await condition())
        {
            if (clock.Elapsed >= timeout)
                throw new TimeoutException($"Gave up after {timeout.TotalSeconds:0.#} s waiting for {what}.");
            await Task.Delay(pause);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMilliseconds(500).Ticks));
        }
    }
}
