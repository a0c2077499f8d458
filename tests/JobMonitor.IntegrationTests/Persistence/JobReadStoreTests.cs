using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Security;
using Xunit;

namespace JobMonitor.IntegrationTests.Persistence;

/// <summary>One database for the whole list, so no other test's jobs appear in it.</summary>
public sealed class JobReadStoreTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task The_list_pages_newest_first_with_a_cursor_and_ties_broken_by_id()
    {
        var dataSource = await database.DataSourceAsync();
        var start = new DateTimeOffset(2030, 5, 1, 12, 0, 0, TimeSpan.Zero);
        // Two jobs share a creation time: the id decides their order, and the cursor must not skip or repeat either.
        DateTimeOffset[] created = [start, start.AddSeconds(1), start.AddSeconds(2), start.AddSeconds(2), start.AddSeconds(3)];
        var jobs = created.Select(at => JobSagaTransactionTests.NewJob(createdAt: at)).ToList();
        await using (var transaction = await JobSagaTransaction.BeginAsync(dataSource, Cancellation))
        {
            foreach (var job in jobs)
                await transaction.InsertAsync(job, Cancellation);
            await transaction.CommitAsync();
        }
        var expected = jobs.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => ToPostgresOrder(j.CorrelationId)).Select(j => j.CorrelationId);

        var store = new JobReadStore(dataSource);
        var pages = new List<JobPage>();
        string? cursor = null;
        do
        {
            var page = await store.ListAsync(new JobListQuery { Cursor = cursor, Limit = 2 }, Everything, Cancellation);
            pages.Add(page);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal([2, 2, 1], pages.Select(p => p.Items.Count));
        Assert.Equal(expected, pages.SelectMany(p => p.Items).Select(j => j.Id));
        var newest = pages[0].Items[0];
        Assert.Equal((JobType.Normal, JobStatus.Ready, JobStep.Init, start.AddSeconds(3)), (newest.Type, newest.Status, newest.Step, newest.CreatedAt));
        Assert.Null(newest.StartedAt);
    }

    [Fact]
    public async Task A_cursor_the_store_did_not_issue_is_rejected()
    {
        var store = new JobReadStore(await database.DataSourceAsync());
        await Assert.ThrowsAsync<FormatException>(() => store.ListAsync(new JobListQuery { Cursor = "not a cursor!" }, Everything, Cancellation));
        await Assert.ThrowsAsync<FormatException>(() => store.ListAsync(new JobListQuery { Cursor = "bm9wZQ" }, Everything, Cancellation));
    }

    [Fact]
    public async Task An_unknown_job_reads_as_null()
    {
        var store = new JobReadStore(await database.DataSourceAsync());
        Assert.Null(await store.GetAsync(Guid.NewGuid(), Cancellation));
    }

    static readonly IReadOnlyList<ScopePattern> Everything = [ScopePattern.Parse("*/*")];

    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    // PostgreSQL orders uuids by their bytes in text order, which differs from Guid.CompareTo.
    static string ToPostgresOrder(Guid id) => id.ToString("N");
}
