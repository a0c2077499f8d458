using Npgsql;
using NpgsqlTypes;

namespace JobMonitor.Service.Persistence;

/// <summary>
/// The SELECT of one list page. Keyset: the rows after the cursor's (value, id) in the page order. A nullable sort
/// column is read in two index-ordered parts — rows with a value, then rows without (ordered by id) — each limited,
/// merged by the outer ORDER BY; a cursor in the null part skips the first.
/// </summary>
internal static class JobListPageSql
{
    public static string Build(JobListQuery query, JobListCursor? after, JobListWhere where)
    {
        var column = JobListColumns.Of(query.Sort);
        var direction = query.Descending ? "DESC" : "ASC";
        var comparison = query.Descending ? "<" : ">";
        var order = $"ORDER BY {column} {direction}, id {direction}";

        string Part(string condition) => $"""
            (SELECT {JobsTable.SummaryColumns} FROM jobmonitor.jobs
             WHERE {where.Sql}{condition}
             {order} LIMIT @limit)
            """;

        if (!JobListColumns.IsNullable(query.Sort))
            return Part(after is null ? "" : $" AND ({column}, id) {comparison} (@after_value, @after_id)");

        var valued = Part($" AND {column} IS NOT NULL" + (after is null ? "" : $" AND ({column}, id) {comparison} (@after_value, @after_id)"));
        var nulls = Part($" AND {column} IS NULL" + (after is { HasValue: false } ? $" AND id {comparison} @after_id" : ""));
        var parts = after is { HasValue: false } ? nulls : $"{valued}\nUNION ALL\n{nulls}";
        return $"""
            SELECT * FROM ({parts}) page
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
