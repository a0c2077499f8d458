using JobMonitor.Contracts;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Jobs;

namespace JobMonitor.IntegrationTests.Execution;

public sealed class HttpOpTests(ExecutionHost host) : IClassFixture<ExecutionHost>
{
    OpDefinition Http(string path, int? expected = null, string? method = null, TimeSpan? timeout = null, string? body = null) => new()
    {
        Name = "call",
        Kind = OpKind.Http,
        Params = new OpParams
        {
            Url = new Uri(host.Http.Address, path).ToString(),
            Method = method,
            ExpectedStatus = expected,
            Body = body,
            Headers = new Dictionary<string, string> { ["X-Token"] = "tok-s3cret", ["Content-Type"] = "application/json" },
        },
        Secret = ["X-Token"],
        Duration = timeout,
    };

    async Task<(StepRunFinished Finished, IReadOnlyList<LogLine> Log)> RunAsync(OpDefinition op)
    {
        var jobId = await host.CreateJobAsync();
        var step = await host.SendAsync(jobId, op);
        var finished = await host.Reports.FinishedAsync(step.StepRunId);
        return (finished, await host.LogOfAsync(jobId));
    }

    [Fact]
    public async Task A_call_answered_with_a_2xx_succeeds_and_logs_request_and_status_with_the_secret_header_masked()
    {
        var (finished, log) = await RunAsync(Http("/allowed/status/201", method: "post", body: "{\"v\":1}"));

        Assert.True(finished.Succeeded, finished.Error);
        Assert.Contains(log, l => l.Op == "call" && l.Text == $"POST {new Uri(host.Http.Address, "/allowed/status/201")}");
        Assert.Contains(log, l => l.Op == "call" && l.Text == "201 Created");
        Assert.Contains(log, l => l.Text == "X-Token: ***");
        Assert.DoesNotContain(log, l => l.Text.Contains("tok-s3cret", StringComparison.Ordinal));
        Assert.Contains(host.Http.Requests, r => r is { Method: "POST", Path: "/allowed/status/201", Token: "tok-s3cret", Body: "{\"v\":1}" });
    }

    [Fact]
    public async Task An_expected_non_2xx_status_succeeds() =>
        Assert.True((await RunAsync(Http("/allowed/status/404", expected: 404))).Finished.Succeeded);

    [Fact]
    public async Task A_status_other_than_the_expected_one_fails_the_op()
    {
        var (finished, log) = await RunAsync(Http("/allowed/status/500"));

        Assert.False(finished.Succeeded);
        Assert.Equal(OpOutcome.Error.Wire(), finished.Ops.Single().Outcome);
        Assert.Contains("answered 500 where 2xx was expected", finished.Ops.Single().Error, StringComparison.Ordinal);
        Assert.Contains(log, l => l.Level == "warn" && l.Text == "answered 500");
    }

    [Fact]
    public async Task A_url_outside_the_allowed_base_fails_without_any_request()
    {
        var before = host.Http.Requests.Count(r => r.Path.StartsWith("/allowedx", StringComparison.Ordinal));

        var (finished, _) = await RunAsync(Http("/allowedx/status/200"));

        Assert.False(finished.Succeeded);
        Assert.Contains("is not under an allowed base address", finished.Ops.Single().Error, StringComparison.Ordinal);
        Assert.Equal(before, host.Http.Requests.Count(r => r.Path.StartsWith("/allowedx", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_call_slower_than_its_time_out_fails_the_op()
    {
        var (finished, _) = await RunAsync(Http("/allowed/slow", timeout: TimeSpan.FromMilliseconds(300)));

        Assert.False(finished.Succeeded);
        Assert.Contains("timed out after", finished.Ops.Single().Error, StringComparison.Ordinal);
        Assert.True(finished.Ops.Single().EndedAt - finished.Ops.Single().StartedAt < TimeSpan.FromSeconds(10));
    }
}
