using System.ComponentModel;
using Hangfire;
using Hangfire.Server;
using JobMonitor.Service.Execution;
using MassTransit;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Scheduling;

/// <summary>
/// Fires triggers: <see cref="JobTriggerFired"/> at the instant, never before it, by one firer only. The in-process
/// <see cref="TriggerClock"/> fires them on time; the Hangfire job of a trigger is due
/// <see cref="SchedulingOptions.FallbackDelay"/> after the instant and fires it only if no clock did.
/// </summary>
public sealed class JobTriggerFirer(
    JobTriggerStore store,
    IPublishEndpoint publisher,
    TimeProvider time,
    IOptions<SchedulingOptions> options,
    ILogger<JobTriggerFirer> logger)
{
    /// <remarks>Hangfire stores the arguments; the dashboard shows the job as "{jobKey} {kind}".</remarks>
    [DisplayName("{1} {2}")]
    [Queue(SchedulingOptions.TriggerQueue)]
    public async Task FireAsync(
        Guid jobId, string jobKey, JobTriggerKind kind, DateTimeOffset dueAt, int token,
        PerformContext? context, CancellationToken cancellationToken)
    {
        var hangfireJobId = context?.BackgroundJob.Id
            ?? throw new InvalidOperationException("The trigger job runs only inside Hangfire, which supplies its PerformContext.");
        // Hangfire may start a job up to a second early: FireDueAsync waits for the instant.
        if (await FireDueAsync(new DueTrigger(jobId, kind, jobKey, dueAt, token), hangfireJobId, cancellationToken))
            logger.LogWarning("Trigger {Kind} of job {JobKey} (token {Token}) was fired by its Hangfire job: no trigger clock fired it on time",
                kind, jobKey, token);
    }

    /// <summary>
    /// Waits for the instant on the wall clock, takes the trigger, publishes the RUN prepared at the gate (a RUN-gate
    /// trigger, by the max start date) and <see cref="JobTriggerFired"/>, and records it as fired. False when it was
    /// replaced, disarmed, fired already or taken by another firer. A publish that fails gives the trigger back for the
    /// next firer; a firer that dies after publishing may leave it to be fired again, which the saga's token check and
    /// the step run's single lease make harmless.
    /// </summary>
    public async Task<bool> FireDueAsync(DueTrigger trigger, string? hangfireJobId, CancellationToken cancellationToken)
    {
        // Taken before the last milliseconds' wait, so the publish itself is not delayed by the statement.
        await time.SleepUntilAsync(trigger.DueAt - options.Value.FineWait, cancellationToken);
        if (await store.TryTakeAsync(trigger, hangfireJobId, options.Value.ClaimTimeout, cancellationToken) is not { } taken)
        {
            logger.LogDebug("Trigger {Kind} of job {JobKey} (token {Token}) was replaced, disarmed or fired; not firing",
                trigger.Kind, trigger.JobKey, trigger.Token);
            return false;
        }

        var firedAt = await time.WaitUntilAsync(trigger.DueAt, cancellationToken);
        // RUN goes to the workers first: it does not wait for the saga's transaction at its date.
        var run = taken.Dispatch is { } prepared && firedAt <= prepared.NotAfter ? prepared : null;
        try
        {
            if (run is not null)
                await publisher.Publish(run.Step, send => StepDispatch.Label(send, run.Step.Step, run.Project, run.Environment), cancellationToken);
            await publisher.Publish(
                new JobTriggerFired
                {
                    JobId = trigger.JobId, Kind = trigger.Kind, DueAt = trigger.DueAt, FiredAt = firedAt, Token = trigger.Token,
                    DispatchedStepRunId = run?.Step.StepRunId,
                },
                send => send.TrySetPriority(MessagePriorities.Timed), cancellationToken);
        }
        catch (Exception)
        {
            await store.ReleaseAsync(trigger, CancellationToken.None);
            throw;
        }
        await store.MarkFiredAsync(trigger, firedAt, cancellationToken);

        logger.LogInformation("Fired trigger {Kind} of job {JobKey} (token {Token}) {LatenessMs:F1} ms after {DueAt:O}",
            trigger.Kind, trigger.JobKey, trigger.Token, (firedAt - trigger.DueAt).TotalMilliseconds, trigger.DueAt);
        return true;
    }
}
