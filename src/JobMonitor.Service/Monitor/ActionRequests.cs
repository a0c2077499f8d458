using JobMonitor.Service.Jobs;
using JobMonitor.Service.Jobs.Check;

namespace JobMonitor.Service.Monitor;

/// <summary>What every action body may carry.</summary>
public interface IActionRequest
{
    string? Comment { get; }

    /// <summary>Rejected unless the job is still at this version.</summary>
    int? ExpectedVersion { get; }

    /// <summary>Chosen by the client to make a retried POST idempotent; generated when absent.</summary>
    Guid? CommandId { get; }
}

/// <summary>Body of cancel, approve, reject, delete and the trap actions.</summary>
public sealed record ActionRequest(string? Comment = null, int? ExpectedVersion = null, Guid? CommandId = null) : IActionRequest
{
    public static ActionRequest Empty { get; } = new();
}

/// <summary>Body of rerun: the step to run again (PRE, RUN or POST) and, for RUN, whether to start now.</summary>
public sealed record RerunRequest(string? Step, bool RunNow = false, string? Comment = null, int? ExpectedVersion = null,
    Guid? CommandId = null) : IActionRequest;

/// <summary>Body of reschedule: instants are ISO 8601 with an offset; maxStartAt defaults to scheduledAt + the expiry window.</summary>
public sealed record RescheduleRequest(string? ScheduledAt, string? MaxStartAt = null, string? Comment = null,
    int? ExpectedVersion = null, Guid? CommandId = null) : IActionRequest;

/// <summary>The field checks of the action bodies: the quick, clear answer (the saga checks again).</summary>
public static class ActionValidation
{
    public static FieldErrors Common(IActionRequest body, JobLimits limits)
    {
        var errors = new FieldErrors().Add(InputBounds.Line(body.Comment, "comment", limits.TextLength));
        if (body.ExpectedVersion is < 0)
            errors.Add("expectedVersion", "expectedVersion must be ≥ 0.");
        if (body.CommandId == Guid.Empty)
            errors.Add("commandId", "commandId must not be the empty Guid; leave it out to have one generated.");
        return errors;
    }

    public static FieldErrors Reject(IActionRequest body, JobLimits limits)
    {
        var errors = Common(body, limits);
        return string.IsNullOrWhiteSpace(body.Comment) ? errors.Add("comment", "A rejection needs a comment.") : errors;
    }

    public static FieldErrors Rerun(RerunRequest body, JobLimits limits)
    {
        var errors = Common(body, limits);
        return JobSteps.FromWire(body.Step) is null ? errors.Add("step", "step must be PRE, RUN or POST.") : errors;
    }

    public static FieldErrors Reschedule(RescheduleRequest body, JobLimits limits, DateTimeOffset now)
    {
        var errors = Common(body, limits);
        DateTimeOffset scheduledAt = default, maxStartAt = default;
        var scheduled = body.ScheduledAt is null
            ? Missing(errors, "scheduledAt")
            : Instant(errors, "scheduledAt", body.ScheduledAt, now, limits, out scheduledAt);
        var max = body.MaxStartAt is not null && Instant(errors, "maxStartAt", body.MaxStartAt, now, limits, out maxStartAt);
        if (scheduled && max && maxStartAt < scheduledAt)
            errors.Add("maxStartAt", "maxStartAt must not be before scheduledAt.");
        return errors;
    }

    static bool Missing(FieldErrors errors, string field)
    {
        errors.Add(field, $"{field} is required.");
        return false;
    }

    static bool Instant(FieldErrors errors, string field, string text, DateTimeOffset now, JobLimits limits, out DateTimeOffset instant)
    {
        var rejection = InputBounds.Instant(text, field, now, limits, out instant);
        errors.Add(rejection);
        return rejection is null;
    }
}
