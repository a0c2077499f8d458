using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Lifecycle;

/// <summary>Reschedule gives an Expired job a new RUN date.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class RescheduleTests(ServiceHostFixture host)
{
    const string Pipeline = LifecycleJobs.LogOnlyPipeline;

    readonly LifecycleJobs _jobs = new(host);

    [Fact]
    public async Task A_rescheduled_expired_job_waits_at_the_run_gate_and_runs_at_the_new_date_not_before()
    {
        var maxStartAt = DateTimeOffset.UtcNow.AddHours(1);
        var jobId = await _jobs.CreateAsync(Pipeline, maxStartAt.AddHours(1), maxStartAt);
        await _jobs.WaitForStatusAsync(jobId, "Expired");

        var newDate = DateTimeOffset.UtcNow.AddSeconds(3);
        await _jobs.SendAsync("RescheduleJob", jobId, $"\"scheduledAt\": \"{newDate:O}\"");

        var waiting = await _jobs.WaitAtRunGateAsync(jobId);
        Assert.True(DateTimeOffset.UtcNow < newDate, "the test needs the job at the RUN gate before its new date");
        Assert.Equal("RUN", waiting.GetProperty("step").GetString());
        Assert.Equal(newDate, waiting.GetProperty("scheduledAt").GetDateTimeOffset());
        Assert.Equal(newDate.AddHours(24), waiting.GetProperty("maxStartAt").GetDateTimeOffset());
        Assert.Empty(LifecycleJobs.Steps(waiting, "RUN"));

        var job = await _jobs.WaitForStatusAsync(jobId, "Finished", TimeSpan.FromSeconds(20));
        var run = Assert.Single(LifecycleJobs.Steps(job, "RUN"));
        var runStarted = run.GetProperty("startedAt").GetDateTimeOffset();
        LifecycleJobs.Print($"RUN started {(runStarted - newDate).TotalMilliseconds:F0} ms after the new date");
        Assert.True(runStarted >= newDate, $"RUN started {(newDate - runStarted).TotalMilliseconds:F0} ms before its new date");
        var audit = Assert.Single(await _jobs.AuditAsync(jobId));
        Assert.Equal(("reschedule", "Expired", "Ready"), (audit.Action, audit.From, audit.To));
    }
}
