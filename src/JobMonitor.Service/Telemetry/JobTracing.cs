using System.Diagnostics;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs;

namespace JobMonitor.Service.Telemetry;

/// <summary>
/// One trace per job execution. Its context is stored with the job (<see cref="DeploymentJobState.TraceParent"/>)
/// and the spans of later work (steps, ops, triggers) hang under it explicitly, however long after they start.
/// </summary>
public static class JobTracing
{
    /// <summary>Headers the saga puts on <see cref="RunJobStep"/> so that step spans carry them without a query.</summary>
    public const string ProjectHeader = "JobMonitor-Project";
    public const string EnvironmentHeader = "JobMonitor-Environment";

    public static ActivityContext? ContextOf(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context) ? context : null;

    public static string? TraceIdOf(string? traceParent) => ContextOf(traceParent)?.TraceId.ToHexString();

    /// <summary>
    /// The span "job {key} exec {n}" that the execution's spans hang under; returns its traceparent. The first
    /// execution continues the create command's trace (and so the upstream publisher's); a rerun starts a trace of its
    /// own, linked to the command that caused it: a parent there would put every rerun into one endless trace.
    /// </summary>
    public static string? StartExecution(Guid jobId, string key, int exec, bool newTrace)
    {
        var cause = Activity.Current;
        if (newTrace)
            Activity.Current = null;
        try
        {
            using var execution = JobMonitorTelemetry.Source.StartActivity(
                $"job {key} exec {exec}", ActivityKind.Internal, parentContext: default,
                tags: new ActivityTagsCollection { [JobTags.Id] = jobId, [JobTags.Key] = key, [JobTags.Exec] = exec },
                links: newTrace && cause is not null ? [new ActivityLink(cause.Context)] : null);
            return execution?.Id;
        }
        finally
        {
            Activity.Current = cause;
        }
    }

    /// <summary>Tags the current (consume) activity with the job it is about.</summary>
    public static void TagCurrent(DeploymentJobState job) =>
        Activity.Current?.SetTag(JobTags.Id, job.CorrelationId).SetTag(JobTags.Key, job.Key).SetTag(JobTags.Exec, job.Exec);

    /// <summary>
    /// "step PRE" under the execution's span. The message that delivered the step is linked when it belongs to another
    /// trace (a RUN released by an operator's command, say).
    /// </summary>
    public static Activity? StartStep(RunJobStep step, JobLabels labels)
    {
        var delivery = Activity.Current?.Context;
        var parent = ContextOf(step.TraceParent) ?? delivery ?? default;
        return JobMonitorTelemetry.Source.StartActivity(
            $"step {step.Step.Wire()}", ActivityKind.Internal, parent,
            tags:
            [
                new(JobTags.Id, step.JobId),
                new(JobTags.Key, step.JobKey),
                new(JobTags.Project, labels.Project),
                new(JobTags.Environment, labels.Environment),
                new(JobTags.Step, step.Step.Wire()),
                new(JobTags.Exec, step.Exec),
            ],
            links: delivery is { } d && d.TraceId != parent.TraceId ? [new ActivityLink(d)] : null);
    }

    /// <summary>"op {name}" under the current step span, with the step's job attributes.</summary>
    public static Activity? StartOp(OpExecution op)
    {
        var step = Activity.Current;
        var tags = step?.TagObjects.Where(t => t.Key.StartsWith("job.", StringComparison.Ordinal)).ToList() ?? [];
        tags.Add(new(JobTags.OpName, op.Op.Name));
        tags.Add(new(JobTags.OpKind, KindOf(op.Op)));
        return JobMonitorTelemetry.Source.StartActivity($"op {op.Op.Name}", ActivityKind.Internal, parentContext: default, tags);
    }

    /// <summary>
    /// Sets the outcome; an error or a trap marks the span as failed. The failure is recorded as an "exception" event
    /// with the job log's message, secrets masked (a raw exception's message could hold one).
    /// </summary>
    public static void End(Activity? span, string outcome, string? error)
    {
        if (span is null)
            return;
        span.SetTag(JobTags.Outcome, outcome);
        if (outcome is OpOutcomes.Error or OpOutcomes.Trapped)
            span.SetStatus(ActivityStatusCode.Error, error);
        if (error is not null)
            span.AddEvent(new ActivityEvent("exception", tags: new() { ["exception.message"] = error, [JobTags.Outcome] = outcome }));
    }

    public static string KindOf(OpDefinition op) => op.Kind.ToString().ToLowerInvariant();
}

/// <summary>The job attributes a worker's spans carry that <see cref="RunJobStep"/> does not.</summary>
public sealed record JobLabels(string? Project, string? Environment);
