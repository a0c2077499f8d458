using JobMonitor.Service.Execution;
using JobMonitor.Service.Jobs;
using Xunit;

namespace JobMonitor.IntegrationTests.Execution;

public sealed class ExecutionLedgerTests(ExecutionHost host) : IClassFixture<ExecutionHost>
{
    ExecutionLedger Ledger => new(host.Database);

    async Task<(Guid JobId, Guid StepRunId)> RunningJobAsync()
    {
        var jobId = await host.CreateJobAsync();
        var stepRunId = Guid.NewGuid();
        await using var command = host.Database.CreateCommand("UPDATE jobmonitor.jobs SET status = 'Running', step_run_id = @run WHERE id = @id");
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("run", stepRunId);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        return (jobId, stepRunId);
    }

    [Fact]
    public async Task An_op_is_begun_once_per_step_run()
    {
        var (jobId, stepRunId) = await RunningJobAsync();
        var ct = TestContext.Current.CancellationToken;

        Assert.True(await Ledger.TryBeginOpAsync(stepRunId, 0, jobId, "a", DateTimeOffset.UtcNow, ct));
        Assert.False(await Ledger.TryBeginOpAsync(stepRunId, 0, jobId, "b", DateTimeOffset.UtcNow, ct));
        Assert.True(await Ledger.TryBeginOpAsync(stepRunId, 1, jobId, "a", DateTimeOffset.UtcNow, ct));
    }

    [Fact]
    public async Task No_op_begins_under_a_claim_that_is_not_current()
    {
        var (jobId, stepRunId) = await RunningJobAsync();
        var ct = TestContext.Current.CancellationToken;

        Assert.False(await Ledger.TryBeginOpAsync(Guid.NewGuid(), 0, jobId, "a", DateTimeOffset.UtcNow, ct));
        await host.SetJobStatusAsync(jobId, JobStatus.Canceled);
        Assert.False(await Ledger.TryBeginOpAsync(stepRunId, 0, jobId, "a", DateTimeOffset.UtcNow, ct));
        Assert.Empty(await host.OpRunsOfAsync(stepRunId));
    }

    [Fact]
    public async Task Rollback_ops_run_under_a_current_claim()
    {
        var (jobId, stepRunId) = await RunningJobAsync();
        await host.SetJobStatusAsync(jobId, JobStatus.Rollback);

        Assert.True(await Ledger.TryBeginOpAsync(stepRunId, 0, jobId, "a", DateTimeOffset.UtcNow, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_step_run_starts_once()
    {
        var (jobId, stepRunId) = await RunningJobAsync();
        var ct = TestContext.Current.CancellationToken;

        Assert.True(await Ledger.TryStartStepAsync(stepRunId, jobId, "a", ct));
        Assert.False(await Ledger.TryStartStepAsync(stepRunId, jobId, "b", ct));
    }
}
