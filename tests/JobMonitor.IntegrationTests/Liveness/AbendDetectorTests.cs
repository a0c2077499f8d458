using JobMonitor.IntegrationTests.Persistence;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Execution.Liveness;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JobMonitor.IntegrationTests.Liveness;

/// <summary>The detector's sweep on a real database; what it publishes is seen on MassTransit's test harness.</summary>
public sealed class AbendDetectorTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>, IAsyncLifetime
{
    static readonly TimeSpan Threshold = TimeSpan.FromSeconds(12);

    ServiceProvider? provider;
    ITestHarness Harness => provider!.GetRequiredService<ITestHarness>();

    public async ValueTask InitializeAsync()
    {
        provider = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        await Harness.Start();
    }

    public async ValueTask DisposeAsync()
    {
        if (provider is not null)
            await provider.DisposeAsync();
    }

    [Fact]
    public async Task A_step_run_that_stopped_heartbeating_is_reported_once()
    {
        var (jobId, stepRunId) = await ArrangeAsync("Running", heartbeatAge: TimeSpan.FromMinutes(1));
        var detector = await DetectorAsync();

        await detector.SweepAsync(TestContext.Current.CancellationToken);
        await detector.SweepAsync(TestContext.Current.CancellationToken);
        await (await DetectorAsync()).SweepAsync(TestContext.Current.CancellationToken);

        var reported = Assert.Single(AbandonedReports(jobId));
        Assert.Equal(stepRunId, reported.StepRunId);
        Assert.Equal("dead-worker", reported.Worker);
        Assert.InRange(reported.LastHeartbeatAt, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddSeconds(-50));
        Assert.True(await ScalarAsync<bool>("SELECT abandoned_at IS NOT NULL FROM jobmonitor.step_runs WHERE step_run_id = @id", stepRunId));
    }

    [Fact]
    public async Task A_rollback_step_run_that_stopped_heartbeating_is_reported()
    {
        var (jobId, _) = await ArrangeAsync("Rollback", heartbeatAge: TimeSpan.FromMinutes(1));

        await (await DetectorAsync()).SweepAsync(TestContext.Current.CancellationToken);

        Assert.Single(AbandonedReports(jobId));
    }

    [Fact]
    public async Task Detectors_sweeping_at_the_same_time_report_a_step_run_once()
    {
        var (jobId, _) = await ArrangeAsync("Running", heartbeatAge: TimeSpan.FromMinutes(1));
        var detectors = new List<AbendDetector>();
        for (var i = 0; i < 8; i++)
            detectors.Add(await DetectorAsync());

        var counts = await Task.WhenAll(detectors.Select(d => d.SweepAsync(TestContext.Current.CancellationToken)));

        Assert.Single(AbandonedReports(jobId));
        Assert.True(counts.Sum() >= 1);
    }

    [Fact]
    public async Task A_step_run_heartbeating_within_the_threshold_is_not_reported()
    {
        var (jobId, _) = await ArrangeAsync("Running", heartbeatAge: TimeSpan.FromSeconds(5));

        await (await DetectorAsync()).SweepAsync(TestContext.Current.CancellationToken);

        Assert.Empty(AbandonedReports(jobId));
    }

    [Fact]
    public async Task A_finished_step_run_is_not_reported()
    {
        var (jobId, stepRunId) = await ArrangeAsync("Running", heartbeatAge: TimeSpan.FromMinutes(1));
        await ExecuteAsync("UPDATE jobmonitor.step_runs SET finished_at = heartbeat_at WHERE step_run_id = @id", stepRunId);

        await (await DetectorAsync()).SweepAsync(TestContext.Current.CancellationToken);

        Assert.Empty(AbandonedReports(jobId));
    }

    [Fact]
    public async Task A_superseded_step_run_is_not_reported()
    {
        var (jobId, _) = await ArrangeAsync("Running", heartbeatAge: TimeSpan.FromMinutes(1));
        await ExecuteAsync("UPDATE jobmonitor.jobs SET step_run_id = gen_random_uuid() WHERE id = @id", jobId);

        await (await DetectorAsync()).SweepAsync(TestContext.Current.CancellationToken);

        Assert.Empty(AbandonedReports(jobId));
    }

    [Theory]
    [InlineData("Ready")]
    [InlineData("Canceled")]
    [InlineData("Abend")]
    [InlineData("Trapped")]
    public async Task A_step_run_of_a_job_no_longer_executing_is_not_reported(string status)
    {
        var (jobId, _) = await ArrangeAsync(status, heartbeatAge: TimeSpan.FromMinutes(1));

        await (await DetectorAsync()).SweepAsync(TestContext.Current.CancellationToken);

        Assert.Empty(AbandonedReports(jobId));
    }

    List<StepRunAbandoned> AbandonedReports(Guid jobId) =>
        [.. Harness.Published.Select<StepRunAbandoned>().Select(p => p.Context.Message).Where(m => m.JobId == jobId)];

    async Task<AbendDetector> DetectorAsync() => new(
        new AbandonedStepRuns(await database.DataSourceAsync()),
        Harness.Bus,
        Options.Create(new AbendOptions { Threshold = Threshold }),
        NullLogger<AbendDetector>.Instance);

    /// <summary>A job whose current step run belongs to a worker whose last heartbeat is <paramref name="heartbeatAge"/> old.</summary>
    async Task<(Guid JobId, Guid StepRunId)> ArrangeAsync(string status, TimeSpan heartbeatAge)
    {
        var jobId = Guid.NewGuid();
        var stepRunId = Guid.NewGuid();
        const string sql = """
            INSERT INTO jobmonitor.jobs (id, version, status, step, key, name, project, environment, type,
                                         scheduled_at, max_start_at, created_at, updated_at, step_run_id, data)
            VALUES (@job, 3, @status, 'Pre', @key, 'test', 'shop', 'TEST', 'Normal',
                    now(), now() + interval '1 hour', now(), now(), @run, '{}');
            INSERT INTO jobmonitor.step_runs (step_run_id, job_id, worker, claimed_at, heartbeat_at)
            VALUES (@run, @job, 'dead-worker', clock_timestamp() - @age, clock_timestamp() - @age);
            """;
        await using var command = (await database.DataSourceAsync()).CreateCommand(sql);
        command.Parameters.AddWithValue("job", jobId);
        command.Parameters.AddWithValue("run", stepRunId);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("key", $"N.TEST-{jobId:N}");
        command.Parameters.AddWithValue("age", heartbeatAge);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        return (jobId, stepRunId);
    }

    async Task ExecuteAsync(string sql, Guid id)
    {
        await using var command = (await database.DataSourceAsync()).CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    async Task<T> ScalarAsync<T>(string sql, Guid id)
    {
        await using var command = (await database.DataSourceAsync()).CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
