using Hangfire;
using MassTransit;

namespace JobMonitor.Service.Scheduling;

/// <summary>
/// Removes a job's triggers and their Hangfire jobs; a redelivery finds nothing left to remove, and an arm newer than
/// the disarm (another instance read it first) stays.
/// </summary>
public sealed class DisarmJobTriggersConsumer(
    JobTriggerStore store,
    IBackgroundJobClient hangfire,
    ILogger<DisarmJobTriggersConsumer> logger) : IConsumer<DisarmJobTriggers>
{
    public async Task Consume(ConsumeContext<DisarmJobTriggers> context)
    {
        var disarm = context.Message;
        var removed = await store.DisarmAsync(disarm.JobId, disarm.Kinds, disarm.Tokens, context.CancellationToken);
        foreach (var hangfireJobId in removed)
            hangfire.Delete(hangfireJobId);

        if (removed.Count > 0)
            logger.LogInformation("Disarmed {Count} trigger(s) of job {JobId}", removed.Count, disarm.JobId);
    }
}
