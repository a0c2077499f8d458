using System.Diagnostics;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.Contracts;
using JobMonitor.IntegrationTests.Jobs;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace JobMonitor.IntegrationTests.Telemetry;

/// <summary>A job's spans, collected by the in-memory exporter of the shared service host.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class JobTraceTests(ServiceHostFixture host)
{
    const string CreateExchange = "JobMonitor.Contracts:CreateJob";

    readonly JobApi jobs = new(host);

    [Fact]
    public async Task A_job_is_one_trace_from_the_upstream_publish_to_post_across_a_scheduled_run()
    {
        var upstream = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var jobId = Guid.NewGuid();
        const string pipeline = """
            {
              "pre":  [{ "name": "build", "kind": "log", "params": { "message": "built" } }],
              "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deployed" } }],
              "post": [{ "name": "notify", "kind": "log", "params": { "message": "notified" } }]
            }
            """;

        await host.PublishRawAsync(CreateExchange, JobApi.CreateJson(jobId, Guid.NewGuid(), pipeline, DateTimeOffset.UtcNow.AddSeconds(3)),
            new Dictionary<string, object?> { ["traceparent"] = $"00-{upstream.TraceId}-{upstream.SpanId}-01" });
        var job = await jobs.WaitForStatusAsync(jobId, "Finished", TimeSpan.FromSeconds(40));
        var spans = await SpansOfAsync(jobId, "step POST");

        var key = job.GetProperty("key").GetString();
        Assert.All(spans, s => Assert.Equal(upstream.TraceId, s.TraceId));
        var names = spans.Select(s => s.DisplayName).ToList();
        foreach (var name in new[] { $"job {key} exec 1", "step PRE", "op build", "step RUN", "op deploy", "step POST", "op notify" })
            Assert.Contains(name, names);
        // The trigger opens the RUN gate; on a machine so loaded that it is late past the reconciler's grace, the
        // reconciler does, in the same trace.
        var opener = spans.Where(s => s.DisplayName is "trigger RunGate" or "recover RunGate").MinBy(s => s.StartTimeUtc);
        Assert.NotNull(opener);
        var run = spans.Single(s => s.DisplayName == "step RUN");
        Assert.True(run.StartTimeUtc >= opener.StartTimeUtc, $"RUN starts after {opener.DisplayName}");

        var inTrace = host.Telemetry.Spans.Where(s => s.TraceId == upstream.TraceId).ToList();
        Assert.Contains(inTrace, s => s.ParentSpanId == upstream.SpanId);
        var deploy = spans.Single(s => s.DisplayName == "op deploy");
        Assert.Equal("shop", deploy.GetTagItem("job.project"));
        Assert.Equal("PROD", deploy.GetTagItem("job.environment"));
        Assert.Equal("RUN", deploy.GetTagItem("job.step"));
        Assert.Equal(1, deploy.GetTagItem("job.exec"));
        Assert.Equal("log", deploy.GetTagItem("op.kind"));
        Assert.Equal("success", deploy.GetTagItem("outcome"));
        Assert.Equal(run.SpanId, deploy.ParentSpanId);

        var log = await jobs.LogAsync(jobId);
        Assert.All(log, line => Assert.Equal(upstream.TraceId.ToHexString(), line.GetProperty("traceId").GetString()));
        await DumpAsync(inTrace);
    }

    /// <summary>
    /// With JOBMONITOR_TRACE_DUMP set, writes the trace (span, parent, start, duration) there as tab-separated lines:
    /// the source of docs/job-trace.svg (scripts/render-trace.py).
    /// </summary>
    static async Task DumpAsync(IReadOnlyList<Activity> trace)
    {
        if (Environment.GetEnvironmentVariable("JOBMONITOR_TRACE_DUMP") is not { Length: > 0 } path)
            return;
        var lines = trace.OrderBy(s => s.StartTimeUtc).Select(s =>
            $"{s.SpanId}\t{s.ParentSpanId}\t{s.DisplayName}\t{s.StartTimeUtc:O}\t{s.Duration.TotalMilliseconds:F3}\t{s.Status}");
        await File.WriteAllLinesAsync(path, lines);
    }

    [Fact]
    public async Task A_failing_op_marks_its_span_and_its_step_as_error()
    {
        var jobId = Guid.NewGuid();
        const string pipeline = """
            {
              "run":  [{ "name": "deploy", "kind": "script", "params": { "script": "fail", "args": ["4"] } }],
              "post": [{ "name": "notify", "kind": "log", "params": { "message": "post ran" } }]
            }
            """;

        await host.PublishRawAsync(CreateExchange, JobApi.CreateJson(jobId, Guid.NewGuid(), pipeline));
        await jobs.WaitForStatusAsync(jobId, "Error");
        var spans = await SpansOfAsync(jobId, "step POST");

        var deploy = spans.Single(s => s.DisplayName == "op deploy");
        Assert.Equal(ActivityStatusCode.Error, deploy.Status);
        Assert.Contains("code 4", deploy.StatusDescription, StringComparison.Ordinal);
        Assert.Equal("error", deploy.GetTagItem("outcome"));
        Assert.Contains(deploy.Events, e => e.Name == "exception");
        Assert.Equal(ActivityStatusCode.Error, spans.Single(s => s.DisplayName == "step RUN").Status);
        Assert.NotEqual(ActivityStatusCode.Error, spans.Single(s => s.DisplayName == "op notify").Status);
    }

    [Fact]
    public async Task A_rerun_is_a_new_trace_linked_to_the_command_that_started_it()
    {
        var jobId = Guid.NewGuid();
        const string pipeline = """{ "run": [{ "name": "deploy", "kind": "log", "params": { "message": "deployed" } }] }""";
        await host.PublishRawAsync(CreateExchange, JobApi.CreateJson(jobId, Guid.NewGuid(), pipeline));
        await jobs.WaitForStatusAsync(jobId, "Finished");
        var first = (await SpansOfAsync(jobId, "step RUN")).Single(s => s.DisplayName == "step RUN").TraceId;

        await using var accepted = await BusProbe.ListenAsync<JobCommandAccepted>(host.Services);
        var commandId = Guid.NewGuid();
        await host.Services.GetRequiredService<IBus>().Publish(
            new RerunJob { JobId = jobId, CommandId = commandId, RequestedBy = "ana", Step = "RUN", RunNow = true },
            TestContext.Current.CancellationToken);
        await accepted.WaitForAsync(a => a.CommandId == commandId, "the rerun to be accepted");
        await ServiceHostFixture.WaitUntilAsync(
            () => Task.FromResult(host.Telemetry.Spans.Count(s => s.DisplayName == "step RUN" && Equals(s.GetTagItem("job.id"), jobId)) == 2),
            TimeSpan.FromSeconds(30), "the rerun's RUN span");

        var rerun = host.Telemetry.Spans.Single(s => s.DisplayName == "step RUN" && Equals(s.GetTagItem("job.exec"), 2) && Equals(s.GetTagItem("job.id"), jobId));
        Assert.NotEqual(first, rerun.TraceId);
        var root = host.Telemetry.Spans.Single(s => s.TraceId == rerun.TraceId && s.DisplayName.EndsWith(" exec 2", StringComparison.Ordinal));
        Assert.Equal(default, root.ParentSpanId);
        Assert.Single(root.Links);
    }

    /// <summary>The job's spans, once the one named <paramref name="last"/> has ended.</summary>
    async Task<IReadOnlyList<Activity>> SpansOfAsync(Guid jobId, string last)
    {
        await ServiceHostFixture.WaitUntilAsync(
            () => Task.FromResult(host.Telemetry.Spans.Any(s => s.DisplayName == last && Equals(s.GetTagItem("job.id"), jobId))),
            TimeSpan.FromSeconds(20), $"span '{last}' of job {jobId}");
        return host.Telemetry.Spans.Where(s => Equals(s.GetTagItem("job.id"), jobId)).ToList();
    }
}
