using System.Collections.Concurrent;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JobMonitor.Service.Scheduling;

/// <summary>
/// Fires the triggers of the database on time without holding a thread per trigger: every workers instance looks
/// every <see cref="SchedulingOptions.ClockPollInterval"/> for the triggers due within
/// <see cref="SchedulingOptions.LeadTime"/> that nobody fired, and waits for each on a timer. Any number of
/// instances may watch the same trigger: one takes it (<see cref="JobTriggerStore.TryTakeAsync"/>). An arm read by
/// this instance is watched at once (<see cref="Watch"/>). Hangfire stays the durable scheduler behind it.
/// </summary>
public sealed class TriggerClock(
    JobTriggerStore store,
    JobReadStore jobs,
    IServiceScopeFactory scopes,
    IOptions<SchedulingOptions> options,
    TimeProvider time,
    ILogger<TriggerClock> logger) : BackgroundService
{
    // Triggers one look takes in hand at most; the next look takes the rest.
    const int Batch = 5_000;

    readonly ConcurrentDictionary<DueTrigger, byte> _watched = new();
    CancellationToken _stopping = CancellationToken.None;

    /// <summary>Watches a trigger just armed here when it is due within the lead time; later ones are found by a look.</summary>
    public void Watch(DueTrigger trigger)
    {
        if (trigger.DueAt - time.GetUtcNow() <= options.Value.LeadTime && !_stopping.IsCancellationRequested)
            Start(trigger);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.ClockPollInterval, time);
        do
        {
            try
            {
                foreach (var trigger in await store.DueWithinAsync(settings.LeadTime, settings.ClaimTimeout, Batch, stoppingToken))
                    Start(trigger);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database is away: the watched triggers still fire (or give themselves back), the next look resumes.
                logger.LogWarning(e, "Looking for due triggers failed; looking again in {Interval}", settings.ClockPollInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    void Start(DueTrigger trigger)
    {
        if (_watched.TryAdd(trigger, 0))
            _ = FireAsync(trigger);
    }

    async Task FireAsync(DueTrigger trigger)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            using var span = JobTracing.StartTrigger(trigger.JobId, trigger.JobKey, trigger.Kind, await TraceParentOfAsync(trigger));
            await scope.ServiceProvider.GetRequiredService<JobTriggerFirer>().FireDueAsync(trigger, hangfireJobId: null, _stopping);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            logger.LogDebug("Trigger {Kind} of job {JobKey} left to the next instance: this one stops", trigger.Kind, trigger.JobKey);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Trigger {Kind} of job {JobKey} could not be fired; the next look tries again", trigger.Kind, trigger.JobKey);
        }
        finally
        {
            _watched.TryRemove(trigger, out _);
        }
    }

    async Task<string?> TraceParentOfAsync(DueTrigger trigger)
    {
        try
        {
            return await jobs.TraceParentAsync(trigger.JobId, _stopping);
        }
        catch (NpgsqlException e)
        {
            // A trace that does not join is no reason to hold a RUN back.
            logger.LogWarning(e, "Could not read the trace context of job {JobKey}", trigger.JobKey);
            return null;
        }
    }
}
