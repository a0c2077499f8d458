using System.Diagnostics;
using Hangfire.Server;
using JobMonitor.Service.Telemetry;
using JobMonitor.Service.Persistence;
using Npgsql;

namespace JobMonitor.Service.Scheduling;

/// <summary>
/// A span around each Hangfire job execution. A trigger of a job hangs under the job's current execution trace (read
/// from the jobs table), so a RUN fired hours after its create is still part of that create's trace; the span is current
/// while the trigger runs, so the <see cref="JobTriggerFired"/> it publishes carries the trace on.
/// </summary>
public sealed class TriggerTracingFilter(JobReadStore jobs, ILogger<TriggerTracingFilter> logger) : IServerFilter
{
    const string SpanItem = "JobMonitor.Span";
    const string PreviousItem = "JobMonitor.PreviousActivity";

    public void OnPerforming(PerformingContext context)
    {
        var job = context.BackgroundJob.Job;
        context.Items[PreviousItem] = Activity.Current;
        Activity? span;
        if (job.Type == typeof(JobTriggerFirer) && job.Args is [Guid jobId, string jobKey, JobTriggerKind kind, ..])
        {
            span = JobTracing.StartTrigger(jobId, jobKey, kind, TraceParentOf(jobId));
        }
        else
            span = JobMonitorTelemetry.Source.StartActivity($"hangfire {job.Type.Name}.{job.Method.Name}");
        span?.SetTag("hangfire.job.id", context.BackgroundJob.Id);
        context.Items[SpanItem] = span;
    }

    public void OnPerformed(PerformedContext context)
    {
        if (context.Items.TryGetValue(SpanItem, out var item) && item is Activity span)
        {
            if (context.Exception is { } e && !context.ExceptionHandled)
            {
                span.AddException(e);
                span.SetStatus(ActivityStatusCode.Error, e.Message);
            }
            span.Dispose();
        }
        Activity.Current = context.Items.TryGetValue(PreviousItem, out var previous) ? previous as Activity : null;
    }

    string? TraceParentOf(Guid jobId)
    {
        try
        {
            // Hangfire's filters are synchronous; this runs on a Hangfire worker thread of its own.
            return jobs.TraceParentAsync(jobId, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (NpgsqlException e)
        {
            // A trace that does not join is no reason to hold a RUN back.
            logger.LogWarning(e, "Could not read the trace context of job {JobId}", jobId);
            return null;
        }
    }
}
