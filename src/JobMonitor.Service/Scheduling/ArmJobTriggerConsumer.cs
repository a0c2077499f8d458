using Hangfire;
using MassTransit;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Scheduling;

/// <summary>
/// Records an arm for the trigger clocks and gives it a Hangfire job due <see cref="SchedulingOptions.FallbackDelay"/>
/// after the instant, which fires it only if no clock did.
/// </summary>
public sealed class ArmJobTriggerConsumer(
    JobTriggerStore store,
    TriggerClock clock,
    IBackgroundJobClient hangfire,
    TimeProvider time,
    IOptions<SchedulingOptions> options,
    ILogger<ArmJobTriggerConsumer> logger) : IConsumer<ArmJobTrigger>
{
    public async Task Consume(ConsumeContext<ArmJobTrigger> context)
    {
        var arm = context.Message;
        var (armed, replaced) = await store.BeginArmAsync(arm, context.CancellationToken);
        if (!armed)
        {
            logger.LogDebug("Trigger {Kind} of job {JobKey} with token {Token} is already armed", arm.Kind, arm.JobKey, arm.Token);
            return;
        }

        var hangfireJobId = Schedule(arm);
        if (!await store.CompleteArmAsync(arm, hangfireJobId, context.CancellationToken))
        {
            // A newer arm or a disarm took the row meanwhile: this job must not fire.
            hangfire.Delete(hangfireJobId);
            return;
        }
        if (replaced is not null)
            hangfire.Delete(replaced);
        clock.Watch(DueTrigger.Of(arm));

        logger.LogInformation("Armed trigger {Kind} of job {JobKey} for {DueAt:O} (token {Token}, Hangfire job {HangfireJobId})",
            arm.Kind, arm.JobKey, arm.DueAt, arm.Token, hangfireJobId);
    }

    string Schedule(ArmJobTrigger arm)
    {
        var wakeAt = arm.DueAt + options.Value.FallbackDelay;
        // A trigger overdue already skips the delayed-job poll and goes straight to the queue.
        return wakeAt <= time.GetUtcNow()
            ? hangfire.Enqueue<JobTriggerFirer>(f => f.FireAsync(arm.JobId, arm.JobKey, arm.Kind, arm.DueAt, arm.Token, null, CancellationToken.None))
            : hangfire.Schedule<JobTriggerFirer>(f => f.FireAsync(arm.JobId, arm.JobKey, arm.Kind, arm.DueAt, arm.Token, null, CancellationToken.None), wakeAt);
    }
}
