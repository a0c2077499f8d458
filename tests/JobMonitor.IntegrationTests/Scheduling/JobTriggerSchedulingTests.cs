using System.Net;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Scheduling;
using JobMonitor.Service.Telemetry;
using Xunit;

namespace JobMonitor.IntegrationTests.Scheduling;

public sealed class JobTriggerSchedulingTests(SchedulingFixture fixture, ITestOutputHelper output) : IClassFixture<SchedulingFixture>
{
    // Not a timing target (that is the benchmark's job): only "something is badly wrong".
    static readonly TimeSpan SanityBound = TimeSpan.FromSeconds(5);
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_trigger_fires_at_or_after_its_instant_never_before()
    {
        var now = DateTimeOffset.UtcNow;
        var arms = Enumerable.Range(0, 30).Select(i => Arm(now + TimeSpan.FromMilliseconds(2000 + Random.Shared.Next(2000)), token: i)).ToList();
        foreach (var arm in arms)
            await fixture.Bus.Publish(arm, TestContext.Current.CancellationToken);

        var fired = await WaitForAsync(arms.Count, arms.Select(a => a.JobId).ToHashSet());

        Assert.All(fired, f =>
        {
            Assert.True(f.Message.FiredAt >= f.Message.DueAt, $"{f.Message.JobId} fired {(f.Message.DueAt - f.Message.FiredAt).TotalMilliseconds} ms early");
            Assert.True(f.ReceivedAt >= f.Message.DueAt, $"{f.Message.JobId} arrived {(f.Message.DueAt - f.ReceivedAt).TotalMilliseconds} ms early");
            Assert.True(f.Message.FiredAt - f.Message.DueAt < SanityBound);
        });
        // The instant as stored: PostgreSQL keeps whole microseconds.
        Assert.Equal(arms.ToDictionary(a => a.JobId, a => (DueTrigger.Of(a).DueAt, a.Token)),
            fired.ToDictionary(f => f.Message.JobId, f => (f.Message.DueAt, f.Message.Token)));
        Report("fired", fired.Select(f => f.Message.FiredAt - f.Message.DueAt));
        Report("received", fired.Select(f => f.ReceivedAt - f.Message.DueAt));
    }

    [Fact]
    public async Task Rearming_a_job_and_kind_replaces_the_earlier_trigger()
    {
        var now = DateTimeOffset.UtcNow;
        var first = Arm(now + TimeSpan.FromSeconds(2), token: 1);
        var second = first with { DueAt = now + TimeSpan.FromSeconds(3), Token = 2 };
        await fixture.Bus.Publish(first, TestContext.Current.CancellationToken);
        await fixture.Bus.Publish(second, TestContext.Current.CancellationToken);

        // The replaced trigger was due a second earlier: had it survived, it would have fired first.
        var fired = await WaitForAsync(1, [first.JobId]);

        Assert.Equal(2, Assert.Single(fired).Message.Token);
        Assert.Single(FiredFor(first.JobId));
    }

    [Fact]
    public async Task Disarming_a_kind_removes_only_that_trigger()
    {
        var now = DateTimeOffset.UtcNow;
        var runGate = Arm(now + TimeSpan.FromSeconds(2), token: 1);
        var maxStart = runGate with { Kind = JobTriggerKind.MaxStart, DueAt = now + TimeSpan.FromSeconds(3) };
        await fixture.Bus.Publish(runGate, TestContext.Current.CancellationToken);
        await fixture.Bus.Publish(maxStart, TestContext.Current.CancellationToken);
        await fixture.Bus.Publish(new DisarmJobTriggers { JobId = runGate.JobId, Kinds = [JobTriggerKind.RunGate] }, TestContext.Current.CancellationToken);

        var fired = await WaitForAsync(1, [runGate.JobId]);

        Assert.Equal(JobTriggerKind.MaxStart, Assert.Single(fired).Message.Kind);
        Assert.Single(FiredFor(runGate.JobId));
    }

    [Fact]
    public async Task Disarming_all_kinds_fires_nothing()
    {
        var now = DateTimeOffset.UtcNow;
        var runGate = Arm(now + TimeSpan.FromSeconds(2), token: 1);
        var trap = runGate with { Kind = JobTriggerKind.TrapTimeout, DueAt = now + TimeSpan.FromSeconds(2.5) };
        var canary = Arm(now + TimeSpan.FromSeconds(3), token: 1);
        foreach (var arm in new[] { runGate, trap, canary })
            await fixture.Bus.Publish(arm, TestContext.Current.CancellationToken);
        await fixture.Bus.Publish(new DisarmJobTriggers { JobId = runGate.JobId }, TestContext.Current.CancellationToken);

        // The canary is due after both disarmed triggers: once it fired, they would have too.
        await WaitForAsync(1, [canary.JobId]);

        Assert.Empty(FiredFor(runGate.JobId));
        Assert.Equal(0, await CountTriggerRowsAsync(runGate.JobId));
    }

    [Fact]
    public async Task A_trigger_due_in_the_past_fires_at_once()
    {
        var armedAt = DateTimeOffset.UtcNow;
        var arm = Arm(armedAt - TimeSpan.FromSeconds(5), token: 7);
        await fixture.Bus.Publish(arm, TestContext.Current.CancellationToken);

        var fired = Assert.Single(await WaitForAsync(1, [arm.JobId]));

        Assert.Equal(7, fired.Message.Token);
        Assert.True(fired.Message.FiredAt >= armedAt);
        Assert.True(fired.ReceivedAt - armedAt < SanityBound, $"took {(fired.ReceivedAt - armedAt).TotalMilliseconds} ms");
        output.WriteLine($"past trigger arrived {(fired.ReceivedAt - armedAt).TotalMilliseconds:F1} ms after arming");
    }

    [Fact]
    public async Task A_run_gate_trigger_dispatches_the_prepared_run_with_its_firing_and_none_after_the_max_start_date()
    {
        var now = DateTimeOffset.UtcNow;
        var inTime = Arm(now + TimeSpan.FromSeconds(1), token: 1);
        inTime = inTime with { Dispatch = Prepared(inTime, notAfter: now + TimeSpan.FromMinutes(1)) };
        var tooLate = Arm(now - TimeSpan.FromSeconds(2), token: 1);
        tooLate = tooLate with { Dispatch = Prepared(tooLate, notAfter: now - TimeSpan.FromSeconds(1)) };
        foreach (var arm in new[] { inTime, tooLate })
            await fixture.Bus.Publish(arm, TestContext.Current.CancellationToken);

        var fired = await WaitForAsync(2, [inTime.JobId, tooLate.JobId]);

        Assert.Equal(inTime.Dispatch.Step.StepRunId, fired.Single(f => f.Message.JobId == inTime.JobId).Message.DispatchedStepRunId);
        Assert.Null(fired.Single(f => f.Message.JobId == tooLate.JobId).Message.DispatchedStepRunId);
        var dispatched = Assert.Single(fixture.Harness.Published.Select<RunJobStep>(x => x.Context.Message.JobId == inTime.JobId)).Context;
        Assert.Equal((inTime.Dispatch.Step.StepRunId, JobStep.Run), (dispatched.Message.StepRunId, dispatched.Message.Step));
        Assert.Equal("SHOP", dispatched.Headers.Get<string>(JobTracing.ProjectHeader));
        Assert.False(fixture.Harness.Published.Select<RunJobStep>(x => x.Context.Message.JobId == tooLate.JobId).Any());
    }

    static PreparedRun Prepared(ArmJobTrigger arm, DateTimeOffset notAfter) => new()
    {
        Step = new RunJobStep { JobId = arm.JobId, JobKey = arm.JobKey, StepRunId = Guid.NewGuid(), Exec = 1, Step = JobStep.Run, Ops = [] },
        Project = "SHOP",
        Environment = "PROD",
        NotAfter = notAfter,
    };

    [Fact]
    public async Task A_redelivered_arm_fires_once()
    {
        var now = DateTimeOffset.UtcNow;
        var arm = Arm(now + TimeSpan.FromSeconds(2), token: 3);
        var canary = Arm(now + TimeSpan.FromSeconds(3), token: 1);
        await fixture.Bus.Publish(arm, TestContext.Current.CancellationToken);
        await fixture.Bus.Publish(arm, TestContext.Current.CancellationToken);
        await fixture.Bus.Publish(canary, TestContext.Current.CancellationToken);

        await WaitForAsync(1, [canary.JobId]);

        Assert.Single(FiredFor(arm.JobId));
    }

    [Fact]
    public async Task The_dashboard_shows_a_scheduled_trigger_by_its_job_key()
    {
        var arm = Arm(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5), token: 1);
        await fixture.Bus.Publish(arm, TestContext.Current.CancellationToken);
        await Polling.WaitUntilAsync(async () => await CountTriggerRowsAsync(arm.JobId, scheduled: true) == 1, Deadline, "the trigger to be scheduled");
        using var client = fixture.CreateClient();

        var page = await client.GetStringAsync(new Uri("/hangfire/jobs/scheduled", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains($"{arm.JobKey} RunGate", page, StringComparison.Ordinal);
        Assert.Contains("JobMonitor", page, StringComparison.Ordinal);
        await fixture.Bus.Publish(new DisarmJobTriggers { JobId = arm.JobId }, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_dashboard_refuses_an_anonymous_request()
    {
        using var client = fixture.CreateClient(user: null);

        using var response = await client.GetAsync(new Uri("/hangfire", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    static ArmJobTrigger Arm(DateTimeOffset dueAt, int token) => new()
    {
        JobId = Guid.NewGuid(),
        JobKey = $"N.TEST-{Random.Shared.Next(100_000_000):D8}",
        Kind = JobTriggerKind.RunGate,
        DueAt = dueAt,
        Token = token,
    };

    List<FiredTrigger> FiredFor(Guid jobId) => fixture.Fired.Where(f => f.Message.JobId == jobId).ToList();

    async Task<List<FiredTrigger>> WaitForAsync(int count, HashSet<Guid> jobIds)
    {
        List<FiredTrigger> fired = [];
        await Polling.WaitUntilAsync(() =>
        {
            fired = fixture.Fired.Where(f => jobIds.Contains(f.Message.JobId)).ToList();
            return Task.FromResult(fired.Count >= count);
        }, Deadline, () => $"{count} triggers of {string.Join(", ", jobIds)} to fire ({fired.Count} fired)");
        return fired;
    }

    async Task<long> CountTriggerRowsAsync(Guid jobId, bool scheduled = false)
    {
        await using var command = fixture.DataSource.CreateCommand(
            "SELECT count(*) FROM jobmonitor.job_triggers WHERE job_id = @job_id AND (NOT @scheduled OR hangfire_job_id IS NOT NULL)");
        command.Parameters.AddWithValue("job_id", jobId);
        command.Parameters.AddWithValue("scheduled", scheduled);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    void Report(string what, IEnumerable<TimeSpan> lateness)
    {
        var ms = lateness.Select(l => l.TotalMilliseconds).Order().ToArray();
        double At(double q) => ms[Math.Min(ms.Length - 1, (int)Math.Ceiling(q * ms.Length) - 1)];
        output.WriteLine($"lateness ({what}, n={ms.Length}): p50 {At(0.50):F2} ms, p99 {At(0.99):F2} ms, max {ms[^1]:F2} ms");
    }
}
