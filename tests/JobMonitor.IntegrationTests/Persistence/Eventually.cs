using Xunit;

namespace JobMonitor.IntegrationTests.Persistence;

static class Eventually
{
    /// <summary>Polls until the condition holds, failing after the deadline.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTimeOffset.UtcNow + (deadline ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > until)
                throw new TimeoutException($"Timed out waiting until {what}.");
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }
}
