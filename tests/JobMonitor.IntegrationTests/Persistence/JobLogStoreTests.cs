using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using Xunit;

namespace JobMonitor.IntegrationTests.Persistence;

public sealed class JobLogStoreTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task A_burst_is_appended_in_order_and_read_back_in_pages()
    {
        var store = new JobLogStore(await database.DataSourceAsync());
        var jobId = Guid.NewGuid();
        var at = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));
        var burst = Enumerable.Range(0, 250).Select(i => new JobLogEntry
        {
            JobId = jobId,
            Exec = 2,
            Step = "Run",
            Op = i % 2 == 0 ? "deploy" : null,
            Level = JobLogLevel.Info,
            Text = $"line {i}",
            At = at.AddMilliseconds(i),
            TraceId = i == 0 ? "4bf92f3577b34da6a3ce929d0e0e4736" : null,
        }).ToList();
        await store.AppendAsync(burst, Cancellation);
        await store.AppendAsync([burst[0] with { JobId = Guid.NewGuid(), Text = "another job" }], Cancellation);

        var pages = new List<IReadOnlyList<JobLogRecord>>();
        long after = 0;
        while (true)
        {
            var page = await store.ReadAsync(jobId, after, 100, Cancellation);
            if (page.Count == 0)
                break;
            pages.Add(page);
            after = page[^1].Seq;
        }

        Assert.Equal([100, 100, 50], pages.Select(p => p.Count));
        var lines = pages.SelectMany(p => p).ToList();
        Assert.Equal(burst.Select(e => e.Text), lines.Select(l => l.Text));
        Assert.True(lines.Zip(lines.Skip(1)).All(pair => pair.First.Seq < pair.Second.Seq));
        var first = lines[0];
        Assert.Equal((2, "Run", "deploy", "info", "4bf92f3577b34da6a3ce929d0e0e4736"), (first.Exec, first.Step, first.Op, first.Level, first.TraceId));
        Assert.Equal(at, first.At);
        Assert.Null(lines[1].Op);
        Assert.Null(lines[1].TraceId);
    }

    [Fact]
    public async Task Appending_nothing_is_allowed()
    {
        var store = new JobLogStore(await database.DataSourceAsync());
        await store.AppendAsync([], Cancellation);
        Assert.Empty(await store.ReadAsync(Guid.NewGuid(), 0, 10, Cancellation));
    }

    static CancellationToken Cancellation => TestContext.Current.CancellationToken;
}
