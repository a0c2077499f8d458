using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Jobs;
using JobMonitor.Service.Jobs;
using Npgsql;

namespace JobMonitor.IntegrationTests.Telemetry;

/// <summary>The service's metrics, read through the in-memory exporter of the shared host, before and after a few jobs.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class JobMetricsTests(ServiceHostFixture host)
{
    const string CreateExchange = "JobMonitor.Contracts:CreateJob";

    readonly JobApi jobs = new(host);

    [Fact]
    public async Task A_finished_a_failed_and_a_trapped_job_move_the_counters_histograms_and_gauges()
    {
        var before = host.Telemetry.CollectMetrics();

        var finished = await CreateAsync("""{ "run": [{ "name": "deploy", "kind": "log", "params": { "message": "ok" } }] }""");
        var failed = await CreateAsync("""{ "run": [{ "name": "deploy", "kind": "script", "params": { "script": "fail", "args": ["3"] } }] }""");
        var trapped = await CreateAsync("""{ "run": [{ "name": "deploy", "kind": "script", "onError": "trap", "params": { "script": "fail", "args": ["5"] } }] }""");
        await jobs.WaitForStatusAsync(finished, "Finished");
        await jobs.WaitForStatusAsync(failed, "Error");
        await jobs.WaitForStatusAsync(trapped, "Trapped");

        MetricReadings after = before;
        // The gauges' reading is cached for Telemetry:GaugeCacheTime; the step histograms are recorded just after the saga
        // moved on. Traps of other tests may end meanwhile: the gauge is compared with the database, not with before.
        await ServiceHostFixture.WaitUntilAsync(async () =>
        {
            after = host.Telemetry.CollectMetrics();
            var waiting = after.GaugeLong("jobmonitor.traps.waiting");
            return waiting >= 1 && waiting == await TrapsInDatabaseAsync()
                && Increase("jobmonitor.step.duration", ("job.step", "RUN"), ("outcome", "trapped")) >= 1;
        }, TimeSpan.FromSeconds(20), "the trapped job in the metrics");

        Assert.True(Increase("jobmonitor.commands.accepted", ("command", "CreateJob")) >= 3);
        Assert.True(Increase("jobmonitor.step.duration", ("job.step", "RUN"), ("outcome", "success")) >= 1);
        Assert.True(Increase("jobmonitor.step.duration", ("job.step", "RUN"), ("outcome", "error")) >= 1);
        Assert.True(Increase("jobmonitor.op.duration", ("op.kind", "script"), ("outcome", "error")) >= 1);
        Assert.True(Increase("jobmonitor.op.duration", ("op.kind", "script"), ("outcome", "trapped")) >= 1);
        Assert.True(Increase("jobmonitor.op.duration", ("op.kind", "log"), ("outcome", "success")) >= 1);
        Assert.True(after.GaugeLong("jobmonitor.jobs", ("status", "Finished")) > before.GaugeLong("jobmonitor.jobs", ("status", "Finished")));
        Assert.True(after.GaugeLong("jobmonitor.jobs", ("status", "Error")) > before.GaugeLong("jobmonitor.jobs", ("status", "Error")));
        Assert.True(after.GaugeLong("jobmonitor.jobs", ("status", "Trapped")) >= 1);
        Assert.True(after.GaugeDouble("jobmonitor.traps.oldest_age") >= 0);
        Assert.True(after.GaugeLong("jobmonitor.queue.consumers", ("queue", "run-job-step")) >= 1);

        long Increase(string name, params (string, object)[] tags) =>
            name.EndsWith(".duration", StringComparison.Ordinal)
                ? after.Count(name, tags) - before.Count(name, tags)
                : after.Sum(name, tags) - before.Sum(name, tags);
    }

    async Task<long> TrapsInDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT count(*) FROM jobmonitor.jobs WHERE status IN ('{JobStatus.Trapped}', '{JobStatus.TrapPaused}')", connection);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    [Fact]
    public async Task A_rejected_create_counts_by_reason()
    {
        var before = host.Telemetry.CollectMetrics().Sum("jobmonitor.commands.rejected", ("command", "CreateJob"), ("reason", "empty_pipeline"));

        await host.PublishRawAsync(CreateExchange,
            $$"""{ "jobId": "{{Guid.NewGuid()}}", "commandId": "{{Guid.NewGuid()}}", "name": "x", "project": "shop", "environment": "PROD", "pipeline": { "run": [] } }""");

        await ServiceHostFixture.WaitUntilAsync(() => Task.FromResult(
                host.Telemetry.CollectMetrics().Sum("jobmonitor.commands.rejected", ("command", "CreateJob"), ("reason", "empty_pipeline")) > before),
            TimeSpan.FromSeconds(20), "the rejection to be counted");
    }

    async Task<Guid> CreateAsync(string pipeline)
    {
        var jobId = Guid.NewGuid();
        await host.PublishRawAsync(CreateExchange, JobApi.CreateJson(jobId, Guid.NewGuid(), pipeline));
        return jobId;
    }
}
