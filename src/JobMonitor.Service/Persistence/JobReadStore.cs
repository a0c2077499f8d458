using JobMonitor.Service.Jobs;
using Npgsql;

namespace JobMonitor.Service.Persistence;

/// <summary>Reads for the monitor: the job list newest first with a keyset cursor, and one job's full state.</summary>
public sealed class JobReadStore(NpgsqlDataSource dataSource)
{
    const string FirstPage = $"""
        SELECT {JobsTable.SummaryColumns}
        FROM jobmonitor.jobs
        ORDER BY created_at DESC, id DESC
        LIMIT @limit
        """;

    // The row comparison walks the (created_at DESC, id DESC) index from the cursor on.
    const string NextPage = $"""
        SELECT {JobsTable.SummaryColumns}
        FROM jobmonitor.jobs
        WHERE (created_at, id) < (@created_at, @id)
        ORDER BY created_at DESC, id DESC
        LIMIT @limit
        """;

    /// <summary>Newest first. <paramref name="cursor" /> is a previous page's NextCursor, or null for the first page.</summary>
    /// <exception cref="FormatException">The cursor was not produced by this store.</exception>
    public async Task<JobPage> ListAsync(string? cursor, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var after = string.IsNullOrEmpty(cursor) ? (JobCursor?)null : JobCursor.Parse(cursor);

        await using var command = dataSource.CreateCommand(after is null ? FirstPage : NextPage);
        // One row more than asked tells whether there is a next page.
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit + 1));
        if (after is { } position)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("created_at", position.CreatedAt));
            command.Parameters.Add(new NpgsqlParameter<Guid>("id", position.Id));
        }

        var items = new List<JobSummary>(limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                items.Add(JobsTable.ReadSummary(reader));
        }

        if (items.Count <= limit)
            return new JobPage(items, null);
        items.RemoveAt(limit);
        var last = items[^1];
        return new JobPage(items, new JobCursor(last.CreatedAt, last.Id).ToString());
    }

    public async Task<DeploymentJobState?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(JobsTable.Load);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? JobsTable.ReadState(reader, 0, 1) : null;
    }
}
