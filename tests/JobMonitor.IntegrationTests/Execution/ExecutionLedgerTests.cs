using JobMonitor.Service.Execution;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using Xunit;

namespace JobMonitor.IntegrationTests.Execution;

public sealed class ExecutionLedgerTests(ExecutionHost host) : IClassFixture<ExecutionHost>
{
    ExecutionLedger Ledger => new(host.Database);
    StepRunLeases Leases => new(host.Database);

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
        Assert.True(await Leases.TryClaimAsync(stepRunId, jobId, "a", null, ct));

        Assert.True(await Leases.TryBeginOpAsync(stepRunId, 0, jobId, "a", DateTimeOffset.UtcNow, ct));
        Assert.False(await Leases.TryBeginOpAsync(stepRunId, 0, jobId, "a", DateTimeOffset.UtcNow, ct));
        Assert.False(await Leases.TryBeginOpAsync(stepRunId, 2, jobId, "b", DateTimeOffset.UtcNow, ct));
        Assert.True(await Leases.TryBeginOpAsync(stepRunId, 1, jobId, "a", DateTimeOffset.UtcNow, ct));
    }

    [Fact]
    public async Task A_claim_records_its_first_op_only_when_it_takes_the_lease()
    {
        var (jobId, stepRunId) = await RunningJobAsync();
        var ct = TestContext.Current.CancellationToken;
        Assert.True(await Leases.TryClaimAsync(stepRunId, jobId, "a", new OpStart(1, DateTimeOffset.UtcNow), ct));
        Assert.False(await Leases.TryClaimAsync(stepRunId, jobId, "b", new OpStart(2, DateTimeOffset.UtcNow), ct));

        var op = Assert.Single(await host.OpRunsOfAsync(stepRunId));
        Assert.Equal((1, "a", false), (op.Index, op.Worker, op.Ended));
        Assert.False(await Leases.TryBeginOpAsync(stepRunId, 1, jobId, "a", DateTimeOffset.UtcNow, ct));
        Assert.True(await Leases.TryBeginOpAsync(stepRunId, 2, jobId, "a", DateTimeOffset.UtcNow, ct));

        var (otherJob, otherRun) = await RunningJobAsync();
        await host.SetJobStatusAsync(otherJob, JobStatus.Canceled);
        Assert.False(await Leases.TryClaimAsync(otherRun, otherJob, "a", new OpStart(0, DateTimeOffset.UtcNow), ct));
        Assert.Empty(await host.OpRunsOfAsync(otherRun));
    }

    [Fact]
    public async Task No_op_begins_under_a_lease_that_is_not_current()
    {
        var (jobId, stepRunId) = await RunningJobAsync();
        var ct = TestContext.Current.CancellationToken;
        Assert.True(await Leases.TryClaimAsync(stepRunId, jobId, "a", null, ct));

        Assert.False(await Leases.TryBeginOpAsync(Guid.NewGuid(), 0, jobId, "a", DateTimeOffset.UtcNow, ct));
        await host.SetJobStatusAsync(jobId, JobStatus.Canceled);
        Assert.False(await Leases.TryBeginOpAsync(stepRunId, 0, jobId, "a", DateTimeOffset.UtcNow, ct));
        Assert.Empty(await host.OpRunsOfAsync(stepRunId));
    }

    [Fact]
    public async Task Rollback_ops_run_under_a_current_lease()
    {
        var (jobId, stepRunId) = await RunningJobAsync();
        await host.SetJobStatusAsync(jobId, JobStatus.Rollback);
        Assert.True(await Leases.TryClaimAsync(stepRunId, jobId, "a", null, TestContext.Current.CancellationToken));

        Assert.True(await Leases.TryBeginOpAsync(stepRunId, 0, jobId, "a", DateTimeOffset.UtcNow, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_run_prepared_at_the_gate_is_leased_and_renewed_while_the_job_waits_there_and_not_once_it_left()
    {
        var ct = TestContext.Current.CancellationToken;
        var jobId = await host.CreateJobAsync();
        var gateRun = Guid.NewGuid();
        await using (var command = host.Database.CreateCommand(
            "UPDATE jobmonitor.jobs SET status = 'Ready', step = 'Run', step_run_id = NULL, gate_step_run_id = @run WHERE id = @id"))
        {
            command.Parameters.AddWithValue("id", jobId);
            command.Parameters.AddWithValue("run", gateRun);
            await command.ExecuteNonQueryAsync(ct);
        }

        // Dispatched by the trigger, leased before the saga heard of it.
        Assert.False(await Leases.TryClaimAsync(Guid.NewGuid(), jobId, "a", new OpStart(0, DateTimeOffset.UtcNow), ct));
        Assert.True(await Leases.TryClaimAsync(gateRun, jobId, "a", new OpStart(0, DateTimeOffset.UtcNow), ct));
        Assert.Equal(LeaseRenewal.Held, await Leases.RenewAsync(gateRun, "a", ct));
        Assert.True(await Leases.TryBeginOpAsync(gateRun, 1, jobId, "a", DateTimeOffset.UtcNow, ct));

        // Canceled at the gate (the saga clears the column with the status): the step run must stop.
        await host.SetJobStatusAsync(jobId, JobStatus.Canceled);
        Assert.Equal(LeaseRenewal.NotCurrent, await Leases.RenewAsync(gateRun, "a", ct));
        Assert.False(await Leases.TryBeginOpAsync(gateRun, 2, jobId, "a", DateTimeOffset.UtcNow, ct));
    }

    [Fact]
    public async Task Workers_racing_for_a_step_run_lease_leave_one_winner()
    {
        var (jobId, stepRunId) = await RunningJobAsync();
        await host.SetJobStatusAsync(jobId, JobStatus.Ready);
        var workers = Enumerable.Range(0, 8).Select(i => $"racer-{i}").ToArray();

        var won = await Task.WhenAll(workers.Select(w => Leases.TryClaimAsync(stepRunId, jobId, w, null, TestContext.Current.CancellationToken)));

        Assert.Single(won, w => w);
        var winner = workers[Array.IndexOf(won, true)];
        Assert.Equal(winner, await host.ScalarAsync<string>("SELECT worker FROM jobmonitor.step_runs WHERE step_run_id = @id", stepRunId));
        Assert.False(await Leases.TryClaimAsync(stepRunId, jobId, winner, null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task No_lease_is_taken_on_a_step_run_that_is_not_its_jobs_current_one()
    {
        var (jobId, stepRunId) = await RunningJobAsync();
        var ct = TestContext.Current.CancellationToken;

        Assert.False(await Leases.TryClaimAsync(Guid.NewGuid(), jobId, "a", null, ct));
        await host.SetJobStatusAsync(jobId, JobStatus.Canceled);
        Assert.False(await Leases.TryClaimAsync(stepRunId, jobId, "a", null, ct));
    }

    [Fact]
    public async Task A_renewal_tells_a_held_lease_from_a_job_that_moved_on_and_from_a_lost_lease()
    {
        var (jobId, stepRunId) = await RunningJobAsync();
        var ct = TestContext.Current.CancellationToken;
        Assert.True(await Leases.TryClaimAsync(stepRunId, jobId, "a", null, ct));

        Assert.Equal(LeaseRenewal.Held, await Leases.RenewAsync(stepRunId, "a", ct));
        Assert.Equal(LeaseRenewal.Lost, await Leases.RenewAsync(stepRunId, "b", ct));
        await host.SetJobStatusAsync(jobId, JobStatus.Canceled);
        Assert.Equal(LeaseRenewal.NotCurrent, await Leases.RenewAsync(stepRunId, "a", ct));
        await Ledger.ReleaseAsync([stepRunId], "a", ct);
        Assert.Equal(LeaseRenewal.Lost, await Leases.RenewAsync(stepRunId, "a", ct));
    }

    [Fact]
    public async Task No_op_begins_once_the_lease_is_abandoned()
    {
        var (jobId, stepRunId) = await RunningJobAsync();
        var ct = TestContext.Current.CancellationToken;
        Assert.True(await Leases.TryClaimAsync(stepRunId, jobId, "a", null, ct));
        Assert.True(await Leases.TryBeginOpAsync(stepRunId, 0, jobId, "a", DateTimeOffset.UtcNow, ct));

        await using (var command = host.Database.CreateCommand("UPDATE jobmonitor.step_runs SET abandoned_at = now() WHERE step_run_id = @id"))
        {
            command.Parameters.AddWithValue("id", stepRunId);
            await command.ExecuteNonQueryAsync(ct);
        }

        Assert.False(await Leases.TryBeginOpAsync(stepRunId, 1, jobId, "a", DateTimeOffset.UtcNow, ct));
    }
}
