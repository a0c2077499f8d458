using System.Globalization;
using System.Text.RegularExpressions;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Jobs.Check;
using JobMonitor.Service.Persistence;

namespace JobMonitor.Service.Monitor;

/// <summary>
/// The query string of <c>GET /api/jobs</c>, bound as text so that every bad value is reported with its field name.
/// </summary>
public sealed partial record JobListParameters
{
    const int MaxText = 200;

    /// <summary>Display names (<c>Waiting for Approval</c>) or state names (<c>WaitingForApproval</c>); repeat for several.</summary>
    public string[]? Status { get; init; }

    /// <summary>Job ids; repeat for several. The live table sends the jobs that changed to learn which still match.</summary>
    public string[]? Id { get; init; }

    /// <summary>CHECK, INIT, PRE, RUN, POST, END.</summary>
    public string? Step { get; init; }

    public string? Project { get; init; }
    public string? Environment { get; init; }

    /// <summary>Normal or Urgent.</summary>
    public string? Type { get; init; }

    /// <summary>Jobs whose natures contain it.</summary>
    public string? Nature { get; init; }

    /// <summary>Key prefix or name substring, case-insensitive.</summary>
    public string? Q { get; init; }

    /// <summary>ISO 8601 with offset; From inclusive, To exclusive (same for started and ended).</summary>
    public string? ScheduledFrom { get; init; }

    public string? ScheduledTo { get; init; }
    public string? StartedFrom { get; init; }
    public string? StartedTo { get; init; }
    public string? EndedFrom { get; init; }
    public string? EndedTo { get; init; }

    /// <summary>created (default), scheduled, started, ended, key.</summary>
    public string? Sort { get; init; }

    /// <summary>desc (default) or asc.</summary>
    public string? Order { get; init; }

    public string? Cursor { get; init; }

    /// <summary>1..500, default 50.</summary>
    public string? Limit { get; init; }

    /// <summary>The query, or the field errors (field name → messages) when a value is not understood.</summary>
    public JobListQuery Parse(out Dictionary<string, string[]> errors)
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string message) => problems[field] = [message];

        var statuses = new List<JobStatus>();
        foreach (var text in Status ?? [])
        {
            if (JobStatuses.Parse(text) is { } state)
                statuses.Add(state);
            else
                Fail("status", $"Unknown status '{text}'; one of {string.Join(", ", JobStatuses.All.Select(JobStatuses.Display))}.");
        }
        var ids = new List<Guid>();
        foreach (var text in Id ?? [])
        {
            if (Guid.TryParse(text, out var id))
                ids.Add(id);
            else
                Fail("id", $"'{text}' is not a job id.");
        }
        if (ids.Count > JobListQuery.MaxLimit)
            Fail("id", $"At most {JobListQuery.MaxLimit} ids.");
        var step = Optional(Step) is { } stepText ? ParseStep(stepText) : null;
        if (Optional(Step) is not null && step is null)
            Fail("step", "step must be one of CHECK, INIT, PRE, RUN, POST, END.");
        var type = Optional(Type) is { } typeText ? ParseType(typeText) : null;
        if (Optional(Type) is not null && type is null)
            Fail("type", $"type must be one of {string.Join(", ", Enum.GetNames<JobType>())}.");
        foreach (var (field, value) in new[] { ("project", Project), ("environment", Environment), ("nature", Nature), ("q", Q) })
        {
            if (value is { Length: > MaxText })
                Fail(field, $"{field} must be at most {MaxText} characters.");
        }

        var sort = Optional(Sort) is { } sortText
            ? Enum.GetValues<JobSort>().Select(s => (JobSort?)s).FirstOrDefault(s => string.Equals(s.ToString(), sortText, StringComparison.OrdinalIgnoreCase))
            : JobSort.Created;
        if (sort is null)
            Fail("sort", "sort must be one of created, scheduled, started, ended, key.");
        var order = Optional(Order)?.ToLowerInvariant() ?? "desc";
        if (order is not ("asc" or "desc"))
            Fail("order", "order must be asc or desc.");
        var limit = 50;
        if (Optional(Limit) is { } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > JobListQuery.MaxLimit))
            Fail("limit", $"limit must be between 1 and {JobListQuery.MaxLimit}.");

        var filter = new JobListFilter
        {
            Statuses = statuses.Distinct().ToList(),
            Ids = ids.Distinct().ToList(),
            Step = step,
            Project = Optional(Project),
            Environment = Optional(Environment),
            Type = type,
            Nature = Optional(Nature),
            Text = Optional(Q),
            Scheduled = Range("scheduledFrom", ScheduledFrom, "scheduledTo", ScheduledTo, Fail),
            Started = Range("startedFrom", StartedFrom, "startedTo", StartedTo, Fail),
            Ended = Range("endedFrom", EndedFrom, "endedTo", EndedTo, Fail),
        };
        errors = problems;
        return new JobListQuery
        {
            Filter = filter,
            Sort = sort ?? JobSort.Created,
            Descending = order != "asc",
            Cursor = Optional(Cursor),
            Limit = limit,
        };
    }

    static string? Optional(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    static JobStep? ParseStep(string text) => Enum.GetValues<JobStep>().Select(s => (JobStep?)s).FirstOrDefault(s =>
        string.Equals(s!.Value.Wire(), text, StringComparison.OrdinalIgnoreCase)
        || string.Equals(s.Value.ToString(), text, StringComparison.OrdinalIgnoreCase));

    static JobType? ParseType(string text) => Enum.GetValues<JobType>().Select(t => (JobType?)t)
        .FirstOrDefault(t => string.Equals(t.ToString(), text, StringComparison.OrdinalIgnoreCase));

    static InstantRange Range(string fromField, string? from, string toField, string? to, Action<string, string> fail) =>
        new(Instant(fromField, from, fail), Instant(toField, to, fail));

    static DateTimeOffset? Instant(string field, string? text, Action<string, string> fail)
    {
        if (Optional(text) is not { } value)
            return null;
        // An unencoded '+' of the offset arrives as a space.
        value = SpacedOffset().Replace(value, "+$1");
        if (InstantAndDuration.TryParseInstant(value, out var instant))
            return instant;
        fail(field, $"{field} must be an ISO 8601 instant with offset, e.g. 2026-05-01T00:00:00+02:00 or 2026-05-01T00:00:00Z.");
        return null;
    }

    [GeneratedRegex(@" (\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex SpacedOffset();
}
