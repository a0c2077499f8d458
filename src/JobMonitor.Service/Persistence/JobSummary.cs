using JobMonitor.Service.Jobs;

namespace JobMonitor.Service.Persistence;

/// <summary>One row of the job list: the column values of jobmonitor.jobs, without the jsonb document.</summary>
public sealed record JobSummary
{
    public required Guid Id { get; init; }
    public required string Key { get; init; }
    public required string Name { get; init; }
    public required string Project { get; init; }
    public required string Environment { get; init; }
    public required JobType Type { get; init; }

    public required JobStatus Status { get; init; }

    public required JobStep Step { get; init; }
    public required double Progress { get; init; }
    public required DateTimeOffset ScheduledAt { get; init; }
    public required DateTimeOffset MaxStartAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public IReadOnlyList<string> Natures { get; init; } = [];
    public string? Owner { get; init; }

    /// <summary>Who may approve or reject besides holders of approve_all: users and <c>role:</c> names.</summary>
    public IReadOnlyList<string> Approvers { get; init; } = [];
}

/// <summary>A page of the job list; <see cref="NextCursor" /> is null on the last page.</summary>
public sealed record JobPage(IReadOnlyList<JobSummary> Items, string? NextCursor);
