using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JobMonitor.IntegrationTests.Monitor;

/// <summary>The counts rollup (job_counts + job_count_changes) against a plain count of the jobs table.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class JobCountTests(ServiceHostFixture host)
{
    [Fact]
    public async Task Counts_by_status_and_nature_follow_inserts_moves_and_deletes_before_and_after_a_fold()
    {
        var jobs = new ListedJobs(host);
        var cancel = TestContext.Current.CancellationToken;
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        var moved = jobs.Job(1, JobStatus.Ready, j => j.Natures = ["SQL"]);
        var deleted = jobs.Job(2, JobStatus.Ready, j => j.Natures = ["SQL", ".NET"]);
        await jobs.InsertAsync(moved, deleted, jobs.Job(3, JobStatus.Ready), jobs.Job(4, JobStatus.Finished, j => j.Natures = ["SQL"]));

        await using (var transaction = await JobSagaTransaction.BeginAsync(dataSource, cancel))
        {
            var running = await transaction.LoadAsync(moved.CorrelationId, cancel);
            running!.CurrentState = JobStatus.Running.StateName();
            running.Natures = [".NET"];
            transaction.Update(running);
            var gone = await transaction.LoadAsync(deleted.CorrelationId, cancel);
            await transaction.DeleteAsync(gone!, cancel);
            await transaction.CommitAsync();
        }
        var beforeFold = (await jobs.PageAsync(""), await jobs.PageAsync("nature=SQL"), await jobs.PageAsync("nature=.NET"));
        await JobCounts.FoldAsync(dataSource, cancel);
        var afterFold = (await jobs.PageAsync(""), await jobs.PageAsync("nature=SQL"), await jobs.PageAsync("nature=.NET"));

        foreach (var (all, sql, dotnet) in new[] { beforeFold, afterFold })
        {
            Assert.Equal((1L, 1L, 1L), (ListedJobs.Count(all, "Ready"), ListedJobs.Count(all, "Running"), ListedJobs.Count(all, "Finished")));
            Assert.Equal((0L, 0L, 1L), (ListedJobs.Count(sql, "Ready"), ListedJobs.Count(sql, "Running"), ListedJobs.Count(sql, "Finished")));
            Assert.Equal((0L, 1L, 0L), (ListedJobs.Count(dotnet, "Ready"), ListedJobs.Count(dotnet, "Running"), ListedJobs.Count(dotnet, "Finished")));
        }
        await using var plain = dataSource.CreateCommand("SELECT count(*) FROM jobmonitor.jobs WHERE project = @project AND status = 'Ready'");
        plain.Parameters.AddWithValue("project", jobs.Project);
        Assert.Equal(1L, (long)(await plain.ExecuteScalarAsync(cancel))!);
    }
}
