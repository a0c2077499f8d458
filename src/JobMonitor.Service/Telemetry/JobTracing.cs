using System.Diagnostics;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs;
using MassTransit;

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
    /// Starts "trigger {kind}" under the job's execution trace (<paramref name="traceParent"/>; a new trace when there
    /// is none), so that a RUN fired hours after its create is still part of that create's trace and the
    /// <see cref="Scheduling.JobTriggerFired"/> published while it is current carries the trace on.
    /// </summary>
    public static Activity? StartTrigger(Guid jobId, string jobKey, Scheduling.JobTriggerKind kind, string? traceParent) =>
        JobMonitorTelemetry.Source.StartActivity(
            $"trigger {kind}", ActivityKind.Internal, ContextOf(traceParent) ?? default,
            tags: [new(JobTags.Id, jobId), new(JobTags.Key, jobKey), new("trigger.kind", kind.ToString())]);

    /// <summary>"recover {kind}": the reconciler re-drives an overdue move of the job's current execution.</summary>
    public static Activity? StartRecovery(Guid jobId, Execution.Recovery.JobRecoveryKind kind, string? traceParent) =>
        JobMonitorTelemetry.Source.StartActivity(
            $"recover {kind}", ActivityKind.Producer, ContextOf(traceParent) ?? default,
            tags: [new(JobTags.Id, jobId), new("recovery.kind", kind.ToString())]);

    /// <summary>The W3C header an upstream publisher puts on a command (MassTransit itself reads only its own MT-Activity-Id).</summary>
    public const string UpstreamHeader = "traceparent";

    /// <summary>The upstream publisher's trace context, from the command's <c>traceparent</c> header.</summary>
    public static ActivityContext? UpstreamOf(ConsumeContext context) => ContextOf(context.Headers.Get<string>(UpstreamHeader));

    /// <summary>
    /// Starts "job {key} exec {n}", the span an execution's spans hang under, and makes it current. Its parent is the
    /// upstream publisher's context, else the current activity; a default <paramref name="parent"/> starts a new trace.
    /// The activity that caused it is linked when it is in another trace.
    /// </summary>
    public static Activity? StartExecution(Guid jobId, string key, int exec, ActivityContext parent)
    {
        var cause = Activity.Current;
        if (parent == default)
            Activity.Current = null;
        var execution = JobMonitorTelemetry.Source.StartActivity(
            $"job {key} exec {exec}", ActivityKind.Internal, parent,
            tags: [new(JobTags.Id, jobId), new(JobTags.Key, key), new(JobTags.Exec, exec)],
            links: cause is not null && cause.TraceId != parent.TraceId ? [new ActivityLink(cause.Context)] : null);
        if (execution is null)
            Activity.Current = cause;
        return execution;
    }

    /// <summary>
    /// A rerun's execution trace: a trace of its own (under the upstream publisher's context if the command carried
    /// one), linked to the command; a parent there would put every rerun into one endless trace. Returns its traceparent.
    /// </summary>
    public static string? NewExecutionTrace(ConsumeContext command, Guid jobId, string key, int exec)
    {
        var cause = Activity.Current;
        try
        {
            using var execution = StartExecution(jobId, key, exec, UpstreamOf(command) ?? default);
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
    public static void End(Activity? span, OpOutcome outcome, string? error)
    {
        if (span is null)
            return;
        span.SetTag(JobTags.Outcome, outcome.Wire());
        if (outcome is OpOutcome.Error or OpOutcome.Trapped)
            span.SetStatus(ActivityStatusCode.Error, error);
        if (error is not null)
            span.AddEvent(new ActivityEvent("exception", tags: new() { ["exception.message"] = error, [JobTags.Outcome] = outcome.Wire() }));
    }

    public static string KindOf(OpDefinition op) => op.Kind.ToString().ToLowerInvariant();
}

/// <summary>The job attributes a worker's spans carry that <see cref="RunJobStep"/> does not.</summary>
public sealed record JobLabels(string? Project, string? Environment);
