using System.Text.Json;
using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Lifecycle;

/// <summary>An op with onError trap waits for a person (retry, skip, abort, pause/resume) or for its time-out.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class TrapTests(ServiceHostFixture host)
{
    static readonly TimeSpan Promise = TimeSpan.FromSeconds(1);

    readonly LifecycleJobs _jobs = new(host);

    static string Pipeline(string trappedOp, string trap = "") => $$"""
        {
          "pre":  [{ "name": "build", "kind": "log", "params": { "message": "built" } }],
          "run":  [{ "name": "deploy", "kind": "script", "params": {{trappedOp}}, "onError": "trap"{{trap}} },
                   { "name": "after", "kind": "log", "params": { "message": "after the trap" } }],
          "post": [{ "name": "notify", "kind": "log", "params": { "message": "post ran" } }]
        }
        """;

    const string Failing = """{ "script": "fail", "args": ["5"] }""";

    [Fact]
    public async Task A_retried_trap_runs_the_op_again_and_the_job_finishes()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"jobmonitor-flaky-{Guid.NewGuid():N}");
        try
        {
            var jobId = await _jobs.CreateAsync(Pipeline($$"""{ "script": "flaky", "args": [{{JsonSerializer.Serialize(marker)}}] }"""));
            var trapped = await _jobs.WaitForStatusAsync(jobId, "Trapped");
            Assert.Equal("RUN", trapped.GetProperty("step").GetString());

            await _jobs.SendAsync("RespondToTrap", jobId, "\"action\": \"retry\"");

            var job = await _jobs.WaitForStatusAsync(jobId, "Finished");
            Assert.Equal(["trapped", "success"], LifecycleJobs.Steps(job, "RUN").Select(s => s.GetProperty("outcome").GetString()));
            var log = await _jobs.LogTextsAsync(jobId);
            Assert.Contains("first try fails", log);
            Assert.Contains("second try ok", log);
            Assert.Contains("trap on op deploy: retry by ana", log);
            Assert.Contains("after the trap", log);
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Fact]
    public async Task A_skipped_trap_continues_after_the_op_and_the_job_finishes()
    {
        var jobId = await _jobs.CreateAsync(Pipeline(Failing));
        await _jobs.WaitForStatusAsync(jobId, "Trapped");

        await _jobs.SendAsync("RespondToTrap", jobId, "\"action\": \"skip\"");

        await _jobs.WaitForStatusAsync(jobId, "Finished");
        var log = await _jobs.LogTextsAsync(jobId);
        Assert.Single(log, l => l == "about to fail");
        Assert.Contains("after the trap", log);
        Assert.Contains("post ran", log);
    }

    [Fact]
    public async Task An_aborted_trap_fails_the_job_after_post()
    {
        var jobId = await _jobs.CreateAsync(Pipeline(Failing));
        await _jobs.WaitForStatusAsync(jobId, "Trapped");

        await _jobs.SendAsync("RespondToTrap", jobId, "\"action\": \"abort\"");

        var job = await _jobs.WaitForStatusAsync(jobId, "Error");
        Assert.Contains("aborted after a trap", job.GetProperty("lastError").GetString());
        Assert.Equal("success", Assert.Single(LifecycleJobs.Steps(job, "POST")).GetProperty("outcome").GetString());
        var log = await _jobs.LogTextsAsync(jobId);
        Assert.Contains("post ran", log);
        Assert.DoesNotContain("after the trap", log);
    }

    [Fact]
    public async Task A_paused_then_resumed_trap_keeps_its_remaining_time()
    {
        var jobId = await _jobs.CreateAsync(Pipeline(Failing, """, "trapTimeout": "PT4S", "trapTimeoutAction": "skip" """));
        await _jobs.WaitForStatusAsync(jobId, "Trapped");
        var firstDeadline = await _jobs.TrapDeadlineAsync(jobId) ?? throw new InvalidOperationException("the trap has no deadline");

        await _jobs.SendAsync("PauseTrap", jobId);
        await _jobs.WaitForStatusAsync(jobId, "Trap Paused");
        var pausedSeen = DateTimeOffset.UtcNow;
        // Paused past the first deadline: a time-out still armed would skip the op now.
        await ServiceHostFixture.WaitUntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow > firstDeadline.AddSeconds(1)),
            TimeSpan.FromSeconds(10), "the first deadline to pass while paused");
        Assert.Equal("Trap Paused", (await _jobs.Api.FindAsync(jobId))!.Value.GetProperty("status").GetString());
        await _jobs.SendAsync("ResumeTrap", jobId);
        await _jobs.WaitForStatusAsync(jobId, "Trapped");

        var newDeadline = await _jobs.TrapDeadlineAsync(jobId) ?? throw new InvalidOperationException("the resumed trap has no deadline");
        var audit = await _jobs.AuditAsync(jobId);
        var paused = audit.Single(a => a.Action == "pause").At;
        var resumed = audit.Single(a => a.Action == "resume").At;
        var moved = newDeadline - firstDeadline;
        LifecycleJobs.Print($"paused {(resumed - paused).TotalMilliseconds:F0} ms (service clock), deadline moved {moved.TotalMilliseconds:F0} ms");
        Assert.True(resumed - paused > firstDeadline - pausedSeen, "the pause outlasted the remaining time");
        Assert.InRange(moved - (resumed - paused), TimeSpan.FromMilliseconds(-100), TimeSpan.FromMilliseconds(100));

        var (_, seenAt) = await _jobs.SeeStatusAsync(jobId, "Finished", TimeSpan.FromSeconds(15));
        var timedOut = await TimedOutAtAsync(jobId);
        LifecycleJobs.Print($"resumed trap timed out {(timedOut - newDeadline).TotalMilliseconds:F0} ms after its new deadline");
        Assert.True(timedOut >= newDeadline, $"timed out {(newDeadline - timedOut).TotalMilliseconds:F0} ms before the new deadline");
        Assert.True(seenAt > newDeadline);
        Assert.Contains("after the trap", await _jobs.LogTextsAsync(jobId));
    }

    [Theory]
    [InlineData("skip", "Finished")]
    [InlineData("abort", "Error")]
    public async Task A_trap_time_out_applies_its_action_within_a_second_of_the_deadline(string action, string outcome)
    {
        var jobId = await _jobs.CreateAsync(Pipeline(Failing, $$""", "trapTimeout": "PT3S", "trapTimeoutAction": "{{action}}" """));
        await _jobs.WaitForStatusAsync(jobId, "Trapped");
        var deadline = await _jobs.TrapDeadlineAsync(jobId) ?? throw new InvalidOperationException("the trap has no deadline");

        var (_, seenAt) = await _jobs.SeeStatusAsync(jobId, outcome, TimeSpan.FromSeconds(15));

        // The saga's log line is written when the time-out is applied (service clock, same machine as the test).
        var applied = await TimedOutAtAsync(jobId);
        LifecycleJobs.Print($"trap time-out ({action}) applied {(applied - deadline).TotalMilliseconds:F0} ms after the deadline; " +
            $"job seen {outcome} {(seenAt - deadline).TotalMilliseconds:F0} ms after it");
        Assert.True(applied >= deadline, $"applied {(deadline - applied).TotalMilliseconds:F0} ms before the deadline");
        Assert.True(applied - deadline <= Promise, $"applied {(applied - deadline).TotalMilliseconds:F0} ms after the deadline");
        var log = await _jobs.LogTextsAsync(jobId);
        Assert.Contains("post ran", log);
        if (action == "skip")
            Assert.Contains("after the trap", log);
        else
            Assert.DoesNotContain("after the trap", log);
    }

    async Task<DateTimeOffset> TimedOutAtAsync(Guid jobId) =>
        (await _jobs.Api.LogAsync(jobId))
            .Single(l => l.GetProperty("text").GetString()!.StartsWith("trap on op deploy timed out", StringComparison.Ordinal))
            .GetProperty("at").GetDateTimeOffset();
}
