using System.Text.Json;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Security;
using Npgsql;
using NpgsqlTypes;

namespace JobMonitor.Service.Persistence;

/// <summary>
/// The columns of jobmonitor.jobs and every statement on them. A column is added here once: the saga repository
/// writes it from the instance, the read store selects it.
/// </summary>
internal static class JobsTable
{
    sealed record Column(string Name, NpgsqlDbType Type, Func<DeploymentJobState, object?> Value);

    static readonly Column[] Written =
    [
        new("status", NpgsqlDbType.Text, job => job.CurrentState),
        new("step", NpgsqlDbType.Text, job => job.Step.ToString()),
        new("key", NpgsqlDbType.Text, job => job.Key),
        new("name", NpgsqlDbType.Text, job => job.Name),
        new("project", NpgsqlDbType.Text, job => job.Project),
        new("environment", NpgsqlDbType.Text, job => job.Environment),
        new("type", NpgsqlDbType.Text, job => job.Type.ToString()),
        new("progress", NpgsqlDbType.Double, job => job.Progress),
        new("scheduled_at", NpgsqlDbType.TimestampTz, job => job.ScheduledAt.ToUniversalTime()),
        new("max_start_at", NpgsqlDbType.TimestampTz, job => job.MaxStartAt.ToUniversalTime()),
        new("started_at", NpgsqlDbType.TimestampTz, job => job.StartedAt?.ToUniversalTime()),
        new("ended_at", NpgsqlDbType.TimestampTz, job => job.EndedAt?.ToUniversalTime()),
        new("created_at", NpgsqlDbType.TimestampTz, job => job.CreatedAt.ToUniversalTime()),
        new("updated_at", NpgsqlDbType.TimestampTz, job => job.UpdatedAt.ToUniversalTime()),
        new("step_run_id", NpgsqlDbType.Uuid, job => job.StepRunId),
        new("gate_step_run_id", NpgsqlDbType.Uuid, job => job.WaitingGateRun),
        new("natures", NpgsqlDbType.Array | NpgsqlDbType.Text, job => job.Natures?.ToArray() ?? []),
        new("owner", NpgsqlDbType.Text, job => job.Owner),
        new("approvers", NpgsqlDbType.Array | NpgsqlDbType.Text, job => JobAccess.ApproversOf(job).Distinct().ToArray()),
    ];

    // The instance as jsonb: serialized once per save by the caller, which compares it with what it loaded too.
    const string DataColumn = "data";

    /// <summary>The list view's columns, in the order <see cref="ReadSummary" /> reads them.</summary>
    public const string SummaryColumns =
        "id, key, name, project, environment, type, status, step, progress, scheduled_at, max_start_at, started_at, ended_at, created_at, natures, owner, approvers";

    public const string Load = """
        SELECT version, data FROM jobmonitor.jobs WHERE id = @id
        """;

    /// <summary>
    /// The inbox row of a message and the load of its job in one statement: whether the row is new, then the job's
    /// version and data (null when there is no such job).
    /// </summary>
    public static readonly string ConsumeAndLoad = $"""
        WITH consumed AS ({Outbox.OutboxTable.ConsumeSql}
            RETURNING 1)
        SELECT EXISTS (SELECT 1 FROM consumed), j.version, j.data
        FROM (SELECT @id AS id) AS wanted LEFT JOIN jobmonitor.jobs AS j ON j.id = wanted.id
        """;

    public const string LoadByKey = """
        SELECT version, data FROM jobmonitor.jobs WHERE key = @key
        """;

    public static readonly string Insert = $"""
        INSERT INTO jobmonitor.jobs (id, version, {string.Join(", ", Written.Select(c => c.Name))}, {DataColumn})
        VALUES (@id, @version, {string.Join(", ", Written.Select(c => "@" + c.Name))}, @{DataColumn})
        ON CONFLICT (id) DO NOTHING
        """;

    public static readonly string Update = $"""
        UPDATE jobmonitor.jobs
        SET version = @version, {string.Join(", ", Written.Select(c => $"{c.Name} = @{c.Name}"))}, {DataColumn} = @{DataColumn}
        WHERE id = @id AND version = @expected_version
        """;

    public const string Delete = """
        DELETE FROM jobmonitor.jobs WHERE id = @id AND version = @expected_version
        """;

    public const string Purge = """
        DELETE FROM jobmonitor.job_log WHERE job_id = @id;
        DELETE FROM jobmonitor.op_runs WHERE job_id = @id;
        DELETE FROM jobmonitor.step_runs WHERE job_id = @id;
        DELETE FROM jobmonitor.job_recoveries WHERE job_id = @id;
        """;

    public static string Document(DeploymentJobState job) => JsonSerializer.Serialize(job, JobJson.Options);

    /// <param name="document">The instance as <see cref="Document" /> wrote it.</param>
    public static void AddRow(NpgsqlParameterCollection parameters, DeploymentJobState job, int version, string document)
    {
        parameters.Add(new NpgsqlParameter<Guid>("id", job.CorrelationId));
        parameters.Add(new NpgsqlParameter<int>("version", version));
        foreach (var column in Written)
            parameters.Add(new NpgsqlParameter(column.Name, column.Type) { Value = column.Value(job) ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter(DataColumn, NpgsqlDbType.Jsonb) { Value = document });
    }

    public static DeploymentJobState ReadState(NpgsqlDataReader reader, int versionOrdinal, int dataOrdinal) =>
        State(reader.GetInt32(versionOrdinal), reader.GetString(dataOrdinal));

    /// <summary>The saga instance stored as <paramref name="data"/> at <paramref name="version"/>.</summary>
    public static DeploymentJobState State(int version, string data)
    {
        var job = JsonSerializer.Deserialize<DeploymentJobState>(data, JobJson.Options)
            ?? throw new InvalidOperationException("jobs.data holds JSON null.");
        // The column is the truth for optimistic concurrency; the copy inside data is one save behind.
        job.Version = version;
        return job;
    }

    public static JobSummary ReadSummary(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetGuid(0),
        Key = reader.GetString(1),
        Name = reader.GetString(2),
        Project = reader.GetString(3),
        Environment = reader.GetString(4),
        Type = Enum.Parse<JobType>(reader.GetString(5)),
        Status = JobStatuses.OfState(reader.GetString(6)),
        Step = Enum.Parse<JobStep>(reader.GetString(7)),
        Progress = reader.GetDouble(8),
        ScheduledAt = reader.GetFieldValue<DateTimeOffset>(9),
        MaxStartAt = reader.GetFieldValue<DateTimeOffset>(10),
        StartedAt = reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
        EndedAt = reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(13),
        Natures = reader.GetFieldValue<string[]>(14),
        Owner = reader.IsDBNull(15) ? null : reader.GetString(15),
        Approvers = reader.GetFieldValue<string[]>(16),
    };
}
