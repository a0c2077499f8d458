using System.Text.Json;
using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Lifecycle;

/// <summary>Rerun: exec + 1, the chosen step and all after it run again; RUN keeps its date unless runNow.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class RerunTests(ServiceHostFixture host)
{
    const string Pipeline = LifecycleJobs.LogOnlyPipeline;

    readonly LifecycleJobs _jobs = new(host);

    [Fact]
    public async Task A_rerun_of_pre_runs_pre_again_and_run_still_waits_for_its_date()
    {
        var scheduledAt = DateTimeOffset.UtcNow.AddHours(2);
        var jobId = await _jobs.CreateAsync(Pipeline, scheduledAt);
        await _jobs.WaitAtRunGateAsync(jobId);
        await using var answers = await CommandAnswers.ListenAsync(host.Services);

        var rerun = await _jobs.SendAsync("RerunJob", jobId, "\"step\": \"PRE\"");
        await answers.WaitForAsync(rerun);

        JsonElement job = default;
        try
        {
            await ServiceHostFixture.WaitUntilAsync(async () =>
            {
                job = (await _jobs.Api.FindAsync(jobId))!.Value;
                return job.GetProperty("status").GetString() == "Ready" && LifecycleJobs.Steps(job, "PRE").Count == 2
                    && job.GetProperty("step").GetString() == "RUN";
            }, TimeSpan.FromSeconds(20), "PRE of execution 2 to end and the job to wait at the RUN gate again");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Last seen: {job}", e);
        }
        Assert.Equal(2, job.GetProperty("exec").GetInt32());
        Assert.Equal(scheduledAt, job.GetProperty("scheduledAt").GetDateTimeOffset());
        var pre = LifecycleJobs.Steps(job, "PRE");
        Assert.Equal([1, 2], pre.Select(s => s.GetProperty("exec").GetInt32()));
        Assert.All(pre, s => Assert.Equal("success", s.GetProperty("outcome").GetString()));
        Assert.Empty(LifecycleJobs.Steps(job, "RUN"));
        var builds = (await _jobs.Api.LogAsync(jobId)).Where(l => l.GetProperty("text").GetString() == "built");
        Assert.Equal([1, 2], builds.Select(l => l.GetProperty("exec").GetInt32()));
    }

    [Fact]
    public async Task A_rerun_of_run_now_runs_at_once_and_moves_the_date_to_now()
    {
        var jobId = await _jobs.CreateAsync(Pipeline, DateTimeOffset.UtcNow.AddHours(2));
        await _jobs.WaitAtRunGateAsync(jobId);

        var sent = DateTimeOffset.UtcNow;
        await _jobs.SendAsync("RerunJob", jobId, "\"step\": \"RUN\", \"runNow\": true");

        var job = await _jobs.WaitForStatusAsync(jobId, "Finished");
        Assert.Equal(2, job.GetProperty("exec").GetInt32());
        var scheduledAt = job.GetProperty("scheduledAt").GetDateTimeOffset();
        Assert.InRange(scheduledAt, sent.AddSeconds(-1), DateTimeOffset.UtcNow);
        Assert.Equal(scheduledAt.AddHours(24), job.GetProperty("maxStartAt").GetDateTimeOffset());
        var run = Assert.Single(LifecycleJobs.Steps(job, "RUN"));
        Assert.Equal(2, run.GetProperty("exec").GetInt32());
        Assert.True(run.GetProperty("startedAt").GetDateTimeOffset() - scheduledAt < TimeSpan.FromSeconds(2));
        Assert.Single(LifecycleJobs.Steps(job, "PRE"));
        Assert.Contains("deploying cart", await _jobs.LogTextsAsync(jobId));
    }
}
