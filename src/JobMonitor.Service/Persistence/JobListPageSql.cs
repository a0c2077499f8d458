using Npgsql;
using NpgsqlTypes;

namespace JobMonitor.Service.Persistence;

/// <summary>
/// The SELECT of one list page: the rows after the cursor's (value, id) in the page order (keyset), read in parts
/// that each walk an index in order and stop at the page size, merged by the outer ORDER BY:
/// <list type="bullet">
/// <item>a nullable sort column: rows with a value, then rows without (by id); a cursor in the null part skips the first;</item>
/// <item>several statuses, newest first: a part per status over (status, created_at) — an IN list would read every
/// matching row and sort them.</item>
/// </list>
/// </summary>
internal static class JobListPageSql
{
    public static string Build(JobListQuery query, JobListCursor? after, JobListWhere where)
    {
        var column = JobListColumns.Of(query.Sort);
        var direction = query.Descending ? "DESC" : "ASC";
        var comparison = query.Descending ? "<" : ">";
        var afterValue = after is null ? "" : $" AND ({column}, id) {comparison} (@after_value, @after_id)";
        var statuses = where.StatusConditions(query.Filter.Statuses, each: query.Sort == JobSort.Created);

        List<string> ranges = !JobListColumns.IsNullable(query.Sort) ? [afterValue]
            : after is { HasValue: false } ? [$" AND {column} IS NULL AND id {comparison} @after_id"]
            : [$" AND {column} IS NOT NULL{afterValue}", $" AND {column} IS NULL"];
        var parts = (statuses.Count == 0 ? [""] : statuses.Select(status => " AND " + status))
            .SelectMany(status => ranges.Select(range => $"""
                (SELECT {JobsTable.SummaryColumns} FROM jobmonitor.jobs
                 WHERE {where.Sql}{status}{range}
                 ORDER BY {column} {direction}, id {direction} LIMIT @limit)
                """))
            .ToList();
        return parts.Count == 1 ? parts[0] : $"""
            SELECT * FROM ({string.Join("\nUNION ALL\n", parts)}) page
            ORDER BY {column} {direction} NULLS LAST, id {direction}
            LIMIT @limit
            """;
    }

    public static void AddCursorParameters(NpgsqlCommand command, JobListCursor? after)
    {
        if (after is null)
            return;
        command.Parameters.Add(new NpgsqlParameter<Guid>("after_id", after.Id));
        if (after.Key is { } key)
            command.Parameters.Add(new NpgsqlParameter("after_value", NpgsqlDbType.Text) { Value = key });
        else if (after.At is { } at)
            command.Parameters.Add(new NpgsqlParameter("after_value", NpgsqlDbType.TimestampTz) { Value = at });
    }
}
