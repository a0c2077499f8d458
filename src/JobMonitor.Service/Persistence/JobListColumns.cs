namespace JobMonitor.Service.Persistence;

/// <summary>The column behind each <see cref="JobSort" />, and whether it may be null (a job not started yet).</summary>
internal static class JobListColumns
{
    public static string Of(JobSort sort) => sort switch
    {
        JobSort.Created => "created_at",
        JobSort.Scheduled => "scheduled_at",
        JobSort.Started => "started_at",
        JobSort.Ended => "ended_at",
        JobSort.Key => "key",
        _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, null),
    };

    public static bool IsNullable(JobSort sort) => sort is JobSort.Started or JobSort.Ended;

    public static DateTimeOffset? InstantOf(JobSort sort, JobSummary job) => sort switch
    {
        JobSort.Created => job.CreatedAt,
        JobSort.Scheduled => job.ScheduledAt,
        JobSort.Started => job.StartedAt,
        JobSort.Ended => job.EndedAt,
        _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, "Not an instant sort."),
    };
}
