using System.Text.Json;
using JobMonitor.Contracts;
using JobMonitor.IntegrationTests.Persistence;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Scheduling;
using Xunit;

namespace JobMonitor.IntegrationTests.Scheduling;

/// <summary>
/// The trigger table's statements compare tokens themselves, so the order in which instances read arms and disarms
/// does not matter: a stale arm never replaces a newer one, a disarm never removes an arm newer than itself.
/// </summary>
public sealed class JobTriggerStoreTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task An_arm_with_an_older_token_read_after_a_newer_one_is_ignored()
    {
        var store = new JobTriggerStore(await database.DataSourceAsync(), TimeProvider.System);
        var newer = Arm(token: 2, DateTimeOffset.UtcNow.AddMinutes(10));
        Assert.True((await store.BeginArmAsync(newer, Cancellation)).Armed);
        Assert.True(await store.CompleteArmAsync(newer, "hangfire-newer", Cancellation));

        var stale = newer with { Token = 1, DueAt = newer.DueAt.AddMinutes(-5) };
        Assert.Equal((false, null), await store.BeginArmAsync(stale, Cancellation));
        Assert.False(await store.CompleteArmAsync(stale, "hangfire-stale", Cancellation));

        Assert.Null(await store.TryTakeAsync(Due(stale), "hangfire-stale", ClaimTimeout, Cancellation));
        Assert.NotNull(await store.TryTakeAsync(Due(newer), "hangfire-newer", ClaimTimeout, Cancellation));
    }

    [Fact]
    public async Task A_disarm_leaves_an_arm_newer_than_the_tokens_it_names_and_removes_the_others()
    {
        var store = new JobTriggerStore(await database.DataSourceAsync(), TimeProvider.System);
        var runGate = Arm(token: 3, DateTimeOffset.UtcNow.AddMinutes(10));
        var maxStart = runGate with { Kind = JobTriggerKind.MaxStart, Token = 1, DueAt = runGate.DueAt.AddHours(1) };
        foreach (var (arm, hangfireJob) in new[] { (runGate, "hangfire-run-gate"), (maxStart, "hangfire-max-start") })
        {
            await store.BeginArmAsync(arm, Cancellation);
            await store.CompleteArmAsync(arm, hangfireJob, Cancellation);
        }

        var stale = new Dictionary<JobTriggerKind, int> { [JobTriggerKind.RunGate] = 2, [JobTriggerKind.MaxStart] = 1 };
        Assert.Equal(["hangfire-max-start"], await store.DisarmAsync(runGate.JobId, [], stale, Cancellation));
        Assert.Equal([Due(runGate)], (await store.DueWithinAsync(TimeSpan.FromMinutes(15), ClaimTimeout, 100, Cancellation))
            .Where(t => t.JobId == runGate.JobId));

        var current = new Dictionary<JobTriggerKind, int> { [JobTriggerKind.RunGate] = 3 };
        Assert.Equal(["hangfire-run-gate"], await store.DisarmAsync(runGate.JobId, [JobTriggerKind.RunGate], current, Cancellation));
    }

    [Fact]
    public async Task A_trigger_taken_by_one_firer_is_left_to_others_until_its_claim_times_out()
    {
        var store = new JobTriggerStore(await database.DataSourceAsync(), TimeProvider.System);
        var arm = Arm(token: 1, DateTimeOffset.UtcNow.AddSeconds(1));
        await store.BeginArmAsync(arm, Cancellation);
        var trigger = Due(arm);

        Assert.Contains(trigger, await DueSoonAsync(store, ClaimTimeout));
        Assert.NotNull(await store.TryTakeAsync(trigger, null, ClaimTimeout, Cancellation));
        Assert.Null(await store.TryTakeAsync(trigger, null, ClaimTimeout, Cancellation));
        Assert.DoesNotContain(trigger, await DueSoonAsync(store, ClaimTimeout));

        // The first firer died before it published: once its claim is older than the time-out, another takes the trigger.
        Assert.Contains(trigger, await DueSoonAsync(store, TimeSpan.FromTicks(10)));
        Assert.NotNull(await store.TryTakeAsync(trigger, null, TimeSpan.FromTicks(10), Cancellation));
    }

    [Fact]
    public async Task A_fired_trigger_is_neither_due_nor_taken_again_and_a_released_one_is()
    {
        var store = new JobTriggerStore(await database.DataSourceAsync(), TimeProvider.System);
        var fired = Due(Arm(token: 1, DateTimeOffset.UtcNow.AddSeconds(-1)));
        var released = Due(Arm(token: 1, DateTimeOffset.UtcNow.AddSeconds(-1)));
        foreach (var trigger in new[] { fired, released })
        {
            await store.BeginArmAsync(Arm(trigger), Cancellation);
            Assert.NotNull(await store.TryTakeAsync(trigger, null, ClaimTimeout, Cancellation));
        }

        await store.MarkFiredAsync(fired, DateTimeOffset.UtcNow, Cancellation);
        await store.ReleaseAsync(released, Cancellation);

        var due = await DueSoonAsync(store, ClaimTimeout);
        Assert.DoesNotContain(fired, due);
        Assert.Contains(released, due);
        Assert.Null(await store.TryTakeAsync(fired, null, TimeSpan.FromTicks(10), Cancellation));
        Assert.NotNull(await store.TryTakeAsync(released, null, ClaimTimeout, Cancellation));
    }

    [Fact]
    public async Task The_firer_that_takes_a_run_gate_trigger_gets_the_run_prepared_with_its_arm_and_a_newer_arm_replaces_it()
    {
        var store = new JobTriggerStore(await database.DataSourceAsync(), TimeProvider.System);
        var arm = Arm(token: 1, DateTimeOffset.UtcNow.AddSeconds(-1));
        var prepared = new PreparedRun
        {
            Step = new RunJobStep
            {
                JobId = arm.JobId, JobKey = arm.JobKey, StepRunId = Guid.NewGuid(), Exec = 2, Step = JobStep.Run, TraceParent = "00-trace-01",
                Ops = [new OpDefinition { Name = "deploy", Kind = OpKind.Log, Params = new OpParams { Message = "deploying" } }],
            },
            Project = "SHOP",
            Environment = "PROD",
            NotAfter = arm.DueAt.AddMinutes(5),
        };
        await store.BeginArmAsync(arm with { Dispatch = prepared }, Cancellation);

        var taken = await store.TryTakeAsync(Due(arm), null, ClaimTimeout, Cancellation);
        Assert.NotNull(taken?.Dispatch);
        Assert.Equal(JsonSerializer.Serialize(prepared, JobJson.Options), JsonSerializer.Serialize(taken.Dispatch, JobJson.Options));
        Assert.Equal("deploying", taken.Dispatch.Step.Ops.Single().Params.Message);

        // Rearmed without a prepared RUN (a RUN without ops): the firer dispatches nothing.
        var rearmed = arm with { Token = 2 };
        await store.BeginArmAsync(rearmed, Cancellation);
        Assert.Null((await store.TryTakeAsync(Due(rearmed), null, ClaimTimeout, Cancellation))!.Dispatch);
    }

    static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(1);

    static async Task<IReadOnlyList<DueTrigger>> DueSoonAsync(JobTriggerStore store, TimeSpan claimTimeout) =>
        await store.DueWithinAsync(TimeSpan.FromSeconds(5), claimTimeout, 10_000, Cancellation);

    static DueTrigger Due(ArmJobTrigger arm) => DueTrigger.Of(arm);

    static ArmJobTrigger Arm(DueTrigger trigger) => Arm(trigger.Token, trigger.DueAt) with { JobId = trigger.JobId };

    static ArmJobTrigger Arm(int token, DateTimeOffset dueAt) => new()
    {
        JobId = Guid.NewGuid(),
        JobKey = "N.SHOP-00000001",
        Kind = JobTriggerKind.RunGate,
        DueAt = dueAt,
        Token = token,
    };

    static CancellationToken Cancellation => TestContext.Current.CancellationToken;
}
