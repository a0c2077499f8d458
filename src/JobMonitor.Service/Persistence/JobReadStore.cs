using JobMonitor.Service.Jobs;
using JobMonitor.Service.Security;
using Npgsql;

namespace JobMonitor.Service.Persistence;

/// <summary>How many jobs are in a status, and since when the oldest of them has waited.</summary>
public sealed record JobsInStatus(long Jobs, DateTimeOffset? OldestSince);

/// <summary>
/// Reads for the monitor: the filtered, sorted job list with a keyset cursor and counts, and one job's full state;
/// for the gauges, the jobs per status with the age of the oldest.
/// </summary>
public sealed class JobReadStore(NpgsqlDataSource dataSource)
{
    // Trapped jobs wait since their trap, others since their last change (for approvals: since PRE ended, unless
    // rescheduled meanwhile).
    const string CountWaitingByStatusSql = $"""
        SELECT status, count(*),
               min(CASE WHEN status IN ('{nameof(JobStatus.Trapped)}', '{nameof(JobStatus.TrapPaused)}') AND data->'trap'->>'trappedAt' IS NOT NULL
                        THEN (data->'trap'->>'trappedAt')::timestamptz ELSE updated_at END)
        FROM jobmonitor.jobs
        GROUP BY status
        """;

    /// <summary>
    /// One page of the jobs matching the filter inside <paramref name="scopes" /> (the caller's visible scopes; none →
    /// an empty page). Rows without a value in the sort column (not started, not ended) come last in both orders.
    /// </summary>
    /// <exception cref="FormatException">The cursor was not produced by this store, or for another sort or order.</exception>
    public async Task<JobPage> ListAsync(JobListQuery query, IReadOnlyList<ScopePattern> scopes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var after = string.IsNullOrEmpty(query.Cursor) ? null : JobListCursor.Parse(query.Cursor, query);
        var where = JobListWhere.For(query.Filter, scopes);
        if (!where.Matches)
            return new JobPage([], null);

        await using var command = dataSource.CreateCommand();
        command.CommandText = JobListPageSql.Build(query, after, where);
        where.AddParametersTo(command);
        // One row more than asked tells whether there is a next page.
        command.Parameters.Add(new NpgsqlParameter<int>("limit", query.Limit + 1));
        JobListPageSql.AddCursorParameters(command, after);

        var items = new List<JobSummary>(query.Limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                items.Add(JobsTable.ReadSummary(reader));
        }

        if (items.Count <= query.Limit)
            return new JobPage(items, null);
        items.RemoveAt(query.Limit);
        return new JobPage(items, JobListCursor.After(query, items[^1]).ToString());
    }

    /// <summary>
    /// Jobs per status matching the filter without its status part, inside <paramref name="scopes" />:
    /// the monitor's tabs. Statuses without jobs are absent.
    /// </summary>
    public async Task<IReadOnlyDictionary<JobStatus, long>> CountAsync(
        JobListFilter filter, IReadOnlyList<ScopePattern> scopes, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<JobStatus, long>();
        // A filter on nothing but place and nature (scopes are on place too) is answered by the rollup.
        var rollup = filter.NarrowsOnlyByPlaceAndNature;
        var where = JobListWhere.For(rollup ? filter with { Nature = null } : filter, scopes);
        if (!where.Matches)
            return counts;

        await using var command = dataSource.CreateCommand(rollup
            ? $"""
                SELECT status, sum(jobs)::bigint FROM {JobCounts.Source}
                WHERE {where.Sql} AND nature = @rollup_nature
                GROUP BY status HAVING sum(jobs) <> 0
                """
            : $"""
                SELECT status, count(*) FROM jobmonitor.jobs WHERE {where.Sql} GROUP BY status
                """);
        where.AddParametersTo(command);
        if (rollup)
            command.Parameters.Add(new NpgsqlParameter<string>("rollup_nature", filter.Nature ?? JobCounts.AllJobs));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            counts[JobStatuses.OfState(reader.GetString(0))] = reader.GetInt64(1);
        return counts;
    }

    /// <summary>
    /// Every status that has jobs with how many and since when the oldest has waited. Synchronous: gauge
    /// callbacks are.
    /// </summary>
    public IReadOnlyDictionary<JobStatus, JobsInStatus> CountWaitingByStatus()
    {
        using var command = dataSource.CreateCommand(CountWaitingByStatusSql);
        using var reader = command.ExecuteReader();
        var result = new Dictionary<JobStatus, JobsInStatus>();
        while (reader.Read())
            result[JobStatuses.OfState(reader.GetString(0))] = new JobsInStatus(reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
        return result;
    }

    public async Task<DeploymentJobState?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(JobsTable.Load);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        return await ReadStateAsync(command, cancellationToken);
    }

    /// <summary>The W3C trace context of the job's current execution (its trace), or null.</summary>
    public async Task<string?> TraceParentAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT data->>'traceParent' FROM jobmonitor.jobs WHERE id = @id");
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>The job with this key (as stored: upper case), or null.</summary>
    public async Task<DeploymentJobState?> GetByKeyAsync(string key, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(JobsTable.LoadByKey);
        command.Parameters.Add(new NpgsqlParameter<string>("key", key));
        return await ReadStateAsync(command, cancellationToken);
    }

    static async Task<DeploymentJobState?> ReadStateAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? JobsTable.ReadState(reader, 0, 1) : null;
    }
}
