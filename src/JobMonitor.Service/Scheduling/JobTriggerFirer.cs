using System.ComponentModel;
using Hangfire;
using Hangfire.Server;
using MassTransit;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Scheduling;

/// <summary>
/// The Hangfire job of one trigger. Hangfire starts it <see cref="SchedulingOptions.LeadTime"/> early (give or take its
/// polling error); it then waits for the instant on the wall clock and publishes <see cref="JobTriggerFired"/>.
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

        await time.SleepUntilAsync(dueAt - options.Value.FineWait, cancellationToken);

        // Checked as late as possible but before the fine wait, so the publish itself is not delayed by the query.
        if (!await store.IsCurrentAsync(jobId, kind, dueAt, token, hangfireJobId, cancellationToken))
        {
            logger.LogInformation("Trigger {Kind} of job {JobKey} (token {Token}) was replaced or disarmed; not firing", kind, jobKey, token);
            return;
        }

        var firedAt = await time.WaitUntilAsync(dueAt, cancellationToken);
        await publisher.Publish(new JobTriggerFired { JobId = jobId, Kind = kind, DueAt = dueAt, FiredAt = firedAt, Token = token },
            send => send.TrySetPriority(MessagePriorities.Timed), cancellationToken);
        await store.MarkFiredAsync(jobId, kind, token, firedAt, cancellationToken);

        logger.LogInformation("Fired trigger {Kind} of job {JobKey} (token {Token}) {LatenessMs:F1} ms after {DueAt:O}",
            kind, jobKey, token, (firedAt - dueAt).TotalMilliseconds, dueAt);
    }
}
