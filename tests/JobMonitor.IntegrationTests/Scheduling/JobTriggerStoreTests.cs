using JobMonitor.IntegrationTests.Persistence;
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

        Assert.True(await store.IsCurrentAsync(newer.JobId, newer.Kind, newer.DueAt, newer.Token, "hangfire-newer", Cancellation));
        Assert.False(await store.IsCurrentAsync(stale.JobId, stale.Kind, stale.DueAt, stale.Token, "hangfire-stale", Cancellation));
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
        Assert.True(await store.IsCurrentAsync(runGate.JobId, runGate.Kind, runGate.DueAt, runGate.Token, "hangfire-run-gate", Cancellation));

        var current = new Dictionary<JobTriggerKind, int> { [JobTriggerKind.RunGate] = 3 };
        Assert.Equal(["hangfire-run-gate"], await store.DisarmAsync(runGate.JobId, [JobTriggerKind.RunGate], current, Cancellation));
    }

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
