using JobMonitor.Service.Jobs;

namespace JobMonitor.Service.Persistence;

/// <summary>What the job list sorts on; each has a (column, id) index walked from the keyset cursor on.</summary>
public enum JobSort
{
    Created,
    Scheduled,
    Started,
    Ended,
    Key,
}

/// <summary>A half-open range [From, To) of instants; either end may be open.</summary>
public readonly record struct InstantRange(DateTimeOffset? From, DateTimeOffset? To)
{
    public bool IsOpen => From is null && To is null;
}

/// <summary>
/// The job list's filters, every one optional and all of them combined with AND. Names are compared as stored
/// (case-sensitively), <see cref="Text" /> case-insensitively.
/// </summary>
public sealed record JobListFilter
{
    /// <summary>A job in any of them matches.</summary>
    public IReadOnlyList<JobStatus> Statuses { get; init; } = [];

    /// <summary>Only these jobs, when any: how the live table learns which of the jobs that changed it shows.</summary>
    public IReadOnlyList<Guid> Ids { get; init; } = [];

    public JobStep? Step { get; init; }
    public string? Project { get; init; }
    public string? Environment { get; init; }
    public JobType? Type { get; init; }

    /// <summary>Jobs whose natures contain it.</summary>
    public string? Nature { get; init; }

    /// <summary>A key prefix or a name substring.</summary>
    public string? Text { get; init; }

    public InstantRange Scheduled { get; init; }
    public InstantRange Started { get; init; }
    public InstantRange Ended { get; init; }

    /// <summary>Nothing but project, environment and nature (statuses aside): the job counts rollup can answer.</summary>
    public bool NarrowsOnlyByPlaceAndNature => Ids.Count == 0 && Step is null && Type is null && Text is null
        && Scheduled.IsOpen && Started.IsOpen && Ended.IsOpen;
}

/// <summary>One page of the list: filter, order, where the previous page ended, and how many rows.</summary>
public sealed record JobListQuery
{
    public const int MaxLimit = 500;

    public JobListFilter Filter { get; init; } = new();
    public JobSort Sort { get; init; } = JobSort.Created;
    public bool Descending { get; init; } = true;

    /// <summary>A previous page's <see cref="JobPage.NextCursor" />, or null for the first page.</summary>
    public string? Cursor { get; init; }

    public int Limit { get; init; } = 50;
}
