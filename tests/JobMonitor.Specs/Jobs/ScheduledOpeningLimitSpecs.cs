using JobMonitor.Service.Jobs;
using JobMonitor.Service.Jobs.Check;
using Microsoft.Extensions.Time.Testing;

namespace JobMonitor.Specs.Jobs;

public sealed class ScheduledOpeningLimitSpecs
{
    static readonly DateTimeOffset Noon = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    static CancellationToken Test => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Scheduled_jobs_open_a_few_at_a_time_and_a_job_due_now_is_never_held()
    {
        using var limit = new ScheduledOpeningLimit(new FakeTimeProvider(Noon));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var opening = 0;
        var opened = 0;
        async Task Open()
        {
            Interlocked.Increment(ref opening);
            await release.Task;
            Interlocked.Increment(ref opened);
        }

        var scheduled = Enumerable.Range(0, OpeningOrder.Width + 2)
            .Select(_ => limit.OpenAsync(Noon.AddSeconds(30), Open, Test)).ToList();
        // The places are taken synchronously, so the two beyond them are already waiting here.
        Assert.Equal(OpeningOrder.Width, Volatile.Read(ref opening));

        var dueNow = limit.OpenAsync(Noon, Open, Test);
        Assert.Equal(OpeningOrder.Width + 1, Volatile.Read(ref opening));
        Assert.DoesNotContain(scheduled, s => s.IsCompleted);

        release.SetResult();
        await Task.WhenAll([.. scheduled, dueNow]);
        Assert.Equal(OpeningOrder.Width + 3, opened);
    }
}
