using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Jobs;
using System.Diagnostics.Metrics;
using JobMonitor.Service.Jobs;
using Microsoft.Extensions.DependencyInjection;
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
        var finishedBefore = HostGauge("jobmonitor.jobs", ("status", "Finished"));
        var errorBefore = HostGauge("jobmonitor.jobs", ("status", "Error"));

        var finished = await CreateAsync("""{ "run": [{ "name": "deploy", "kind": "log", "params": { "message": "ok" } }] }""");
        var failed = await CreateAsync("""{ "run": [{ "name": "deploy", "kind": "script", "params": { "script": "fail", "args": ["3"] } }] }""");
        var trapped = await CreateAsync("""{ "run": [{ "name": "deploy", "kind": "script", "onError": "trap", "params": { "script": "fail", "args": ["5"] } }] }""");
        await jobs.WaitForStatusAsync(finished, "Finished");
        await jobs.WaitForStatusAsync(failed, "Error");
        await jobs.WaitForStatusAsync(trapped, "Trapped");

        MetricReadings after = before;
        double waiting = 0;
        long inDatabase = 0, trappedSteps = 0;
        // The gauges' reading is cached for Telemetry:GaugeCacheTime; the step histograms are recorded just after the saga
        // moved on. Traps of other tests may end meanwhile: the gauge is compared with the database, not with before.
        await Polling.WaitUntilAsync(async () =>
        {
            after = host.Telemetry.CollectMetrics();
            waiting = HostGauge("jobmonitor.traps.waiting");
            inDatabase = await TrapsInDatabaseAsync();
            trappedSteps = Increase("jobmonitor.step.duration", ("job.step", "RUN"), ("outcome", "trapped"));
            return waiting >= 1 && waiting == inDatabase && trappedSteps >= 1;
        }, TimeSpan.FromSeconds(20),
            () => $"the trapped job in the metrics (traps waiting: {waiting} in the gauge, {inDatabase} in the database; RUN steps trapped: {trappedSteps})");

        Assert.True(Increase("jobmonitor.commands.accepted", ("command", "CreateJob")) >= 3);
        Assert.True(Increase("jobmonitor.step.duration", ("job.step", "RUN"), ("outcome", "success")) >= 1);
        Assert.True(Increase("jobmonitor.step.duration", ("job.step", "RUN"), ("outcome", "error")) >= 1);
        Assert.True(Increase("jobmonitor.op.duration", ("op.kind", "script"), ("outcome", "error")) >= 1);
        Assert.True(Increase("jobmonitor.op.duration", ("op.kind", "script"), ("outcome", "trapped")) >= 1);
        Assert.True(Increase("jobmonitor.op.duration", ("op.kind", "log"), ("outcome", "success")) >= 1);
        Assert.True(HostGauge("jobmonitor.jobs", ("status", "Finished")) > finishedBefore);
        Assert.True(HostGauge("jobmonitor.jobs", ("status", "Error")) > errorBefore);
        Assert.True(HostGauge("jobmonitor.jobs", ("status", "Trapped")) >= 1);
        Assert.True(HostGauge("jobmonitor.traps.oldest_age") >= 0);
        Assert.True(HostGauge("jobmonitor.queue.consumers", ("queue", "run-job-step")) >= 1);

        long Increase(string name, params (string, object)[] tags) =>
            name.EndsWith(".duration", StringComparison.Ordinal)
                ? after.Count(name, tags) - before.Count(name, tags)
                : after.Sum(name, tags) - before.Sum(name, tags);
    }

    /// <summary>
    /// A gauge as this host's own instrument reports it now, summed over the measurements with <paramref name="tags"/>.
    /// Other service hosts of the test process have gauges of the same name on meters of the same name, and the
    /// exporter reads only one of them: the one of this host is told apart by its meter factory.
    /// </summary>
    double HostGauge(string name, params (string Key, object Value)[] tags)
    {
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        double total = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, subscriber) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Name == name)
                    subscriber.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, measured, _) => Add(value, measured));
        listener.SetMeasurementEventCallback<double>((_, value, measured, _) => Add(value, measured));
        listener.Start();
        listener.RecordObservableInstruments();
        return total;

        void Add(double value, ReadOnlySpan<KeyValuePair<string, object?>> measured)
        {
            foreach (var (key, expected) in tags)
            {
                var found = false;
                foreach (var tag in measured)
                    found |= tag.Key == key && Equals(tag.Value, expected);
                if (!found)
                    return;
            }
            total += value;
        }
    }

    async Task<long> TrapsInDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT count(*) FROM jobmonitor.jobs WHERE status IN ('{JobStatus.Trapped.StateName()}', '{JobStatus.TrapPaused.StateName()}')", connection);
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
