using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Persistence;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Execution.Liveness;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JobMonitor.IntegrationTests.Liveness;

/// <summary>The detector's sweep on a real database; what it publishes is seen on MassTransit's test harness.</summary>
public sealed class AbendDetectorTests(MigratedDatabase database) : SweepTestBase(database), IClassFixture<MigratedDatabase>
{
    // Short, so that a detector has watched the leases long enough within a test; the rule is the same at 12 s.
    static readonly TimeSpan Threshold = TimeSpan.FromSeconds(2);
    static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(200);
    static readonly TimeSpan Sweep = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task A_step_run_whose_lease_expired_is_reported_once()
    {
        var (jobId, stepRunId) = await ArrangeAsync("Running", heartbeatAge: TimeSpan.FromMinutes(1));
        var detector = await JudgingDetectorAsync();

        await detector.SweepAsync(Ct);
        await (await JudgingDetectorAsync()).SweepAsync(Ct);

        var reported = Assert.Single(AbandonedReports(jobId));
        Assert.Equal(stepRunId, reported.StepRunId);
        Assert.Equal("dead-worker", reported.Worker);
        Assert.False(reported.Released);
        Assert.InRange(reported.LastHeartbeatAt, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddSeconds(-50));
        Assert.True(await ScalarAsync<bool>("SELECT abandoned_at IS NOT NULL FROM jobmonitor.step_runs WHERE step_run_id = @id", stepRunId));
    }

    [Fact]
    public async Task A_detector_that_has_not_watched_the_leases_for_a_whole_threshold_judges_none()
    {
        var (jobId, _) = await ArrangeAsync("Running", heartbeatAge: TimeSpan.FromMinutes(1));
        var detector = await DetectorAsync();

        await detector.SweepAsync(Ct);

        Assert.False(detector.Judging);
        Assert.Empty(AbandonedReports(jobId));
    }

    [Fact]
    public async Task A_released_lease_is_reported_at_once_as_released()
    {
        var (jobId, stepRunId) = await ArrangeAsync("Running", heartbeatAge: TimeSpan.Zero);
        await ExecuteAsync("UPDATE jobmonitor.step_runs SET released_at = clock_timestamp() WHERE step_run_id = @id", stepRunId);

        await (await DetectorAsync()).SweepAsync(Ct);

        Assert.True(Assert.Single(AbandonedReports(jobId)).Released);
    }

    [Fact]
    public async Task A_lease_whose_renewal_was_delayed_less_than_the_threshold_is_not_reported()
    {
        var detector = await JudgingDetectorAsync();
        var (jobId, _) = await ArrangeAsync("Running", heartbeatAge: Threshold / 2);

        await detector.SweepAsync(Ct);

        Assert.True(detector.Judging);
        Assert.Empty(AbandonedReports(jobId));
    }

    [Fact]
    public async Task A_stall_longer_than_the_threshold_does_not_abend_a_lease_renewed_right_after_it()
    {
        var detector = await JudgingDetectorAsync();
        var (jobId, stepRunId) = await ArrangeAsync("Running", heartbeatAge: TimeSpan.Zero);

        // A transaction locks the leases, as a stalled database would: neither a renewal nor the sweep gets through.
        var source = await DataSourceAsync();
        await using (var connection = await source.OpenConnectionAsync(Ct))
        await using (var stall = await connection.BeginTransactionAsync(Ct))
        {
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE jobmonitor.step_runs IN EXCLUSIVE MODE", connection, stall))
                await lockTable.ExecuteNonQueryAsync(Ct);
            var sweep = detector.SweepAsync(Ct);
            var stalledFor = System.Diagnostics.Stopwatch.StartNew();
            await Polling.WaitUntilAsync(() => Task.FromResult(stalledFor.Elapsed > 2 * Threshold), 3 * Threshold, "the stall outlasted the threshold");
            await stall.RollbackAsync(Ct);
            Assert.Equal(0, await sweep);
        }
        Assert.False(detector.Judging);
        await ExecuteAsync("UPDATE jobmonitor.step_runs SET heartbeat_at = clock_timestamp() WHERE step_run_id = @id", stepRunId);
        await detector.SweepAsync(Ct);

        Assert.Empty(AbandonedReports(jobId));
    }

    [Fact]
    public async Task A_rollback_step_run_whose_lease_expired_is_reported()
    {
        var (jobId, _) = await ArrangeAsync("Rollback", heartbeatAge: TimeSpan.FromMinutes(1));

        await (await JudgingDetectorAsync()).SweepAsync(Ct);

        Assert.Single(AbandonedReports(jobId));
    }

    [Fact]
    public async Task A_leased_step_run_whose_start_the_saga_has_not_heard_of_is_reported()
    {
        var (jobId, _) = await ArrangeAsync("Ready", heartbeatAge: TimeSpan.FromMinutes(1));

        await (await JudgingDetectorAsync()).SweepAsync(Ct);

        Assert.Single(AbandonedReports(jobId));
    }

    [Fact]
    public async Task Detectors_sweeping_at_the_same_time_report_a_step_run_once()
    {
        var detectors = new List<AbendDetector>();
        for (var i = 0; i < 8; i++)
            detectors.Add(await JudgingDetectorAsync());
        var (jobId, _) = await ArrangeAsync("Running", heartbeatAge: TimeSpan.FromMinutes(1));

        var counts = await Task.WhenAll(detectors.Select(d => d.SweepAsync(Ct)));

        Assert.Single(AbandonedReports(jobId));
        Assert.True(counts.Sum() >= 1);
    }

    [Fact]
    public async Task A_finished_step_run_is_not_reported()
    {
        var (jobId, stepRunId) = await ArrangeAsync("Running", heartbeatAge: TimeSpan.FromMinutes(1));
        await ExecuteAsync("UPDATE jobmonitor.step_runs SET finished_at = heartbeat_at WHERE step_run_id = @id", stepRunId);

        await (await JudgingDetectorAsync()).SweepAsync(Ct);

        Assert.Empty(AbandonedReports(jobId));
    }

    [Fact]
    public async Task A_superseded_step_run_is_not_reported()
    {
        var (jobId, _) = await ArrangeAsync("Running", heartbeatAge: TimeSpan.FromMinutes(1));
        await ExecuteAsync("UPDATE jobmonitor.jobs SET step_run_id = gen_random_uuid() WHERE id = @id", jobId);

        await (await JudgingDetectorAsync()).SweepAsync(Ct);

        Assert.Empty(AbandonedReports(jobId));
    }

    [Theory]
    [InlineData("WaitingForApproval")]
    [InlineData("Canceled")]
    [InlineData("Abend")]
    [InlineData("Trapped")]
    public async Task A_step_run_of_a_job_no_longer_executing_is_not_reported(string status)
    {
        var (jobId, _) = await ArrangeAsync(status, heartbeatAge: TimeSpan.FromMinutes(1));

        await (await JudgingDetectorAsync()).SweepAsync(Ct);

        Assert.Empty(AbandonedReports(jobId));
    }

    List<StepRunAbandoned> AbandonedReports(Guid jobId) => PublishedFor<StepRunAbandoned>(jobId, m => m.JobId);

    async Task<AbendDetector> DetectorAsync() => new(
        new AbandonedStepRuns(await DataSourceAsync()),
        Harness.Bus,
        TimeProvider.System,
        Options.Create(new AbendOptions { Threshold = Threshold, SweepInterval = Sweep }),
        Options.Create(new ExecutionOptions { HeartbeatInterval = Heartbeat }),
        NullLogger<AbendDetector>.Instance);

    /// <summary>A detector that has watched the leases, sweep after sweep, for a whole threshold.</summary>
    async Task<AbendDetector> JudgingDetectorAsync()
    {
        var detector = await DetectorAsync();
        // Sweeps at a steady pace: a gap longer than two sweep intervals would restart the detector's watch.
        await Polling.WaitUntilAsync(async () =>
        {
            await detector.SweepAsync(Ct);
            return detector.Judging;
        }, 3 * Threshold, () => "the detector to have watched for a whole threshold", every: TimeSpan.FromMilliseconds(25));
        return detector;
    }

    /// <summary>A job whose current step run is leased by a worker that last renewed it <paramref name="heartbeatAge"/> ago.</summary>
    async Task<(Guid JobId, Guid StepRunId)> ArrangeAsync(string status, TimeSpan heartbeatAge)
    {
        var stepRunId = Guid.NewGuid();
        var jobId = await JobAsync(status, "Pre", stepRunId, TimeSpan.Zero);
        const string sql = """
            INSERT INTO jobmonitor.step_runs (step_run_id, job_id, worker, claimed_at, heartbeat_at)
            VALUES (@run, @job, 'dead-worker', clock_timestamp() - @age, clock_timestamp() - @age);
            """;
        await using var command = (await DataSourceAsync()).CreateCommand(sql);
        command.Parameters.AddWithValue("job", jobId);
        command.Parameters.AddWithValue("run", stepRunId);
        command.Parameters.AddWithValue("age", heartbeatAge);
        await command.ExecuteNonQueryAsync(Ct);
        return (jobId, stepRunId);
    }

    async Task ExecuteAsync(string sql, Guid id)
    {
        await using var command = (await DataSourceAsync()).CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(Ct);
    }

    async Task<T> ScalarAsync<T>(string sql, Guid id)
    {
        await using var command = (await DataSourceAsync()).CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }
}
