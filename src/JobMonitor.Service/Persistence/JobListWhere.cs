using JobMonitor.Service.Jobs;
using JobMonitor.Service.Security;
using Npgsql;
using NpgsqlTypes;

namespace JobMonitor.Service.Persistence;

/// <summary>
/// The WHERE clause of a job list query: the filter's conditions but the status and the caller's visible scopes,
/// every value a numbered parameter; <see cref="StatusConditions" /> adds the status part. <see cref="Matches" /> is
/// false when the caller sees no scope at all (nothing to ask).
/// </summary>
internal sealed class JobListWhere
{
    readonly List<string> conditions = [];
    readonly List<NpgsqlParameter> parameters = [];

    JobListWhere(bool matches) => Matches = matches;

    public bool Matches { get; }

    public static JobListWhere For(JobListFilter filter, IReadOnlyList<ScopePattern> scopes)
    {
        var where = new JobListWhere(scopes.Count > 0);
        if (filter.Ids.Count > 0)
            where.Add("id = ANY({0})", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = filter.Ids.ToArray() });
        if (filter.Step is { } step)
            where.Add("step = {0}", Text(step.ToString()));
        if (filter.Project is { } project)
            where.Add("project = {0}", Text(project));
        if (filter.Environment is { } environment)
            where.Add("environment = {0}", Text(environment));
        if (filter.Type is { } type)
            where.Add("type = {0}", Text(type.ToString()));
        if (filter.Nature is { } nature)
            where.Add("natures @> {0}", Text(new[] { nature }));
        if (filter.Text is { } text)
        {
            var escaped = SqlLike.Escape(text);
            where.Add("(lower(key) LIKE {0} OR name ILIKE {1})", Text(escaped.ToLowerInvariant() + "%"), Text("%" + escaped + "%"));
        }
        where.AddRange("scheduled_at", filter.Scheduled);
        where.AddRange("started_at", filter.Started);
        where.AddRange("ended_at", filter.Ended);
        where.AddScopes(scopes);
        return where;
    }

    /// <summary>
    /// The status part, to AND with <see cref="Sql" />: one condition for all <paramref name="statuses" />, or with
    /// <paramref name="each" /> one per status (alternatives: a query part each, read in index order and merged).
    /// None when the filter has no status.
    /// </summary>
    public IReadOnlyList<string> StatusConditions(IReadOnlyList<JobStatus> statuses, bool each)
    {
        if (statuses.Count == 0)
            return [];
        if (statuses.Count == 1 || each)
            return statuses.Select(status => Parameter("status = {0}", Text(status.StateName()))).ToList();
        return [Parameter("status = ANY({0})", Text(JobStatuses.StateNames(statuses)))];
    }

    /// <summary>Adds a condition whose <c>{0}</c>, <c>{1}</c>... are <paramref name="values" />.</summary>
    void Add(string condition, params NpgsqlParameter[] values) => conditions.Add(Parameter(condition, values));

    string Parameter(string condition, params NpgsqlParameter[] values)
    {
        var names = new object[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i].ParameterName = $"p{parameters.Count}";
            names[i] = "@" + values[i].ParameterName;
            parameters.Add(values[i]);
        }
        return string.Format(System.Globalization.CultureInfo.InvariantCulture, condition, names);
    }

    public string Sql => conditions.Count == 0 ? "TRUE" : string.Join(" AND ", conditions);

    public void AddParametersTo(NpgsqlCommand command)
    {
        foreach (var parameter in parameters)
            command.Parameters.Add(parameter.Clone());
    }

    public static NpgsqlParameter Text(string value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = value };

    public static NpgsqlParameter Text(string[] values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values };

    public static NpgsqlParameter Instant(DateTimeOffset value) =>
        new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = value.ToUniversalTime() };

    void AddRange(string column, InstantRange range)
    {
        if (range.From is { } from)
            Add($"{column} >= {{0}}", Instant(from));
        if (range.To is { } to)
            Add($"{column} < {{0}}", Instant(to));
    }

    // A scope that covers everything makes the clause moot; literal names compare with = so that the project indexes
    // serve them (LIKE cannot use a btree under this database's collation).
    void AddScopes(IReadOnlyList<ScopePattern> scopes)
    {
        if (scopes.Count == 0 || scopes.Any(s => s.Project.MatchesAll && s.Environment.MatchesAll))
            return;
        var alternatives = new List<string>();
        var values = new List<NpgsqlParameter>();
        foreach (var scope in scopes)
        {
            var parts = new List<string>(2);
            foreach (var (column, name) in new[] { ("project", scope.Project), ("environment", scope.Environment) })
            {
                if (name.MatchesAll)
                    continue;
                parts.Add(name.Literal is null ? $"{column} LIKE {{{values.Count}}} ESCAPE '\\'" : $"{column} = {{{values.Count}}}");
                values.Add(Text(name.Literal ?? name.Like));
            }
            alternatives.Add("(" + string.Join(" AND ", parts) + ")");
        }
        Add("(" + string.Join(" OR ", alternatives) + ")", [.. values]);
    }
}
