using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Lifecycle;

/// <summary>maxStartAt: a job whose RUN has not started by then is Expired, within 1 s of the instant (SPEC §9).</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class ExpiryTests(ServiceHostFixture host)
{
    const string Pipeline = """
        {
          "pre":  [{ "name": "build", "kind": "log", "params": { "message": "built" } }],
          "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deploying cart" } }],
          "post": [{ "name": "notify", "kind": "log", "params": { "message": "post ran" } }]
        }
        """;

    static readonly TimeSpan Promise = TimeSpan.FromSeconds(1);

    // The test sees the status at most one 5 ms poll plus one API round trip after it was stored.
    static readonly TimeSpan PollingSlack = TimeSpan.FromMilliseconds(100);

    readonly LifecycleJobs _jobs = new(host);

    // A job waiting at the RUN gate always has scheduledAt <= maxStartAt (else it expires on arrival, below), so its
    // gate opens first; the job that really waits past maxStartAt is one waiting for approval.
    [Fact]
    public async Task A_job_waiting_for_approval_expires_within_a_second_of_max_start()
    {
        const string approval = """
            {
              "pre":  [{ "name": "ask", "kind": "approval", "params": { "approvers": ["ana"] } }],
              "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deploying cart" } }],
              "post": [{ "name": "notify", "kind": "log", "params": { "message": "post ran" } }]
            }
            """;
        var maxStartAt = DateTimeOffset.UtcNow.AddSeconds(4);
        var jobId = await _jobs.CreateAsync(approval, DateTimeOffset.UtcNow, maxStartAt);
        await _jobs.WaitForStatusAsync(jobId, "Waiting for Approval");
        Assert.True(DateTimeOffset.UtcNow < maxStartAt, "the test needs the job waiting before maxStartAt");

        var (job, seenAt) = await _jobs.SeeStatusAsync(jobId, "Expired", TimeSpan.FromSeconds(15));

        // endedAt is the service's clock when the saga expired the job; seenAt is this test's clock (same machine).
        var endedAt = job.GetProperty("endedAt").GetDateTimeOffset();
        LifecycleJobs.Print($"expiry: endedAt {(endedAt - maxStartAt).TotalMilliseconds:F0} ms after maxStartAt, " +
            $"seen by the test {(seenAt - maxStartAt).TotalMilliseconds:F0} ms after it");
        Assert.True(endedAt >= maxStartAt, $"expired {(maxStartAt - endedAt).TotalMilliseconds:F0} ms before maxStartAt");
        Assert.True(endedAt - maxStartAt <= Promise, $"expired {(endedAt - maxStartAt).TotalMilliseconds:F0} ms after maxStartAt");
        Assert.True(seenAt - maxStartAt <= Promise + PollingSlack, $"seen Expired {(seenAt - maxStartAt).TotalMilliseconds:F0} ms after maxStartAt");
        Assert.Empty(LifecycleJobs.Steps(job, "RUN"));
        Assert.DoesNotContain("deploying cart", await _jobs.LogTextsAsync(jobId));
    }

    [Fact]
    public async Task A_job_scheduled_after_its_max_start_expires_at_the_run_gate()
    {
        var maxStartAt = DateTimeOffset.UtcNow.AddHours(1);
        var jobId = await _jobs.CreateAsync(Pipeline, maxStartAt.AddHours(1), maxStartAt);

        var job = await _jobs.WaitForStatusAsync(jobId, "Expired");

        Assert.Equal("success", Assert.Single(LifecycleJobs.Steps(job, "PRE")).GetProperty("outcome").GetString());
        Assert.Empty(LifecycleJobs.Steps(job, "RUN"));
        var log = await _jobs.LogTextsAsync(jobId);
        Assert.Contains("built", log);
        Assert.Contains(log, l => l.StartsWith("expired: scheduled date", StringComparison.Ordinal));
        Assert.DoesNotContain("deploying cart", log);
    }
}
