using Npgsql;

namespace JobMonitor.Faults;

/// <summary>A database of its own on the fault cluster, and what the figures read from the service's tables.</summary>
public sealed class FaultDatabase : IAsyncDisposable
{
    /// <summary>The statuses no job leaves by itself (SPEC §11's list).</summary>
    static readonly string[] FinalStatuses = ["Finished", "Error", "Canceled", "Abend", "Expired", "Rejected"];

    readonly string admin;

    FaultDatabase(string admin, string connectionString)
    {
        this.admin = admin;
        ConnectionString = connectionString;
        Source = NpgsqlDataSource.Create(connectionString);
    }

    public string ConnectionString { get; }

    NpgsqlDataSource Source { get; }

    public static async Task<FaultDatabase> CreateAsync(FaultServers servers)
    {
        var name = $"jm_faults_{Guid.NewGuid():N}"[..26];
        await ExecuteAsync(servers.PostgresAdmin, $"CREATE DATABASE \"{name}\"");
        return new FaultDatabase(servers.PostgresAdmin, new NpgsqlConnectionStringBuilder(servers.PostgresAdmin) { Database = name }.ConnectionString);
    }

    /// <summary>How many of <paramref name="ids"/> are in a final status (a job never stored is not).</summary>
    public Task<long> FinalAsync(IReadOnlyCollection<Guid> ids) => ScalarAsync(
        "SELECT count(*) FROM jobmonitor.jobs WHERE id = ANY(@ids) AND status = ANY(@final)", ids);

    /// <summary>How many of <paramref name="ids"/> are stored with <paramref name="status"/> at <paramref name="step"/>.</summary>
    public Task<long> AtAsync(IReadOnlyCollection<Guid> ids, string status, string step) => ScalarAsync(
        "SELECT count(*) FROM jobmonitor.jobs WHERE id = ANY(@ids) AND status = @status AND step = @step", ids,
        new NpgsqlParameter<string>("status", status), new NpgsqlParameter<string>("step", step));

    /// <summary>The jobs with a step run of <paramref name="worker"/> still going.</summary>
    public async Task<IReadOnlyList<Guid>> RunningOnAsync(string worker)
    {
        await using var command = Source.CreateCommand(
            "SELECT DISTINCT job_id FROM jobmonitor.step_runs WHERE worker = @worker AND finished_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter<string>("worker", worker));
        var jobs = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            jobs.Add(reader.GetGuid(0));
        return jobs;
    }

    /// <summary>Step runs still going, on any worker.</summary>
    public Task<long> OpenStepRunsAsync() => ScalarAsync("SELECT count(*) FROM jobmonitor.step_runs WHERE finished_at IS NULL", []);

    /// <summary>Step runs <paramref name="worker"/> claimed after <paramref name="since"/> (database clock).</summary>
    public Task<long> ClaimedSinceAsync(string worker, DateTimeOffset since) => ScalarAsync(
        "SELECT count(*) FROM jobmonitor.step_runs WHERE worker = @worker AND claimed_at > @since", [],
        new NpgsqlParameter<string>("worker", worker), new NpgsqlParameter<DateTimeOffset>("since", since));

    /// <summary>The database's clock, to compare with the times it records.</summary>
    public async Task<DateTimeOffset> NowAsync()
    {
        await using var command = Source.CreateCommand("SELECT now()");
        return new DateTimeOffset((DateTime)(await command.ExecuteScalarAsync())!);
    }

    /// <summary>How many of <paramref name="ids"/> have a RUN date other than <paramref name="scheduledAt"/> (to the millisecond).</summary>
    public Task<long> ScheduledOtherThanAsync(IReadOnlyCollection<Guid> ids, DateTimeOffset scheduledAt) => ScalarAsync(
        "SELECT count(*) FROM jobmonitor.jobs WHERE id = ANY(@ids) AND abs(extract(epoch FROM scheduled_at - @at)) >= 0.001", ids,
        new NpgsqlParameter<DateTimeOffset>("at", scheduledAt));

    /// <summary>How many of <paramref name="ids"/> have their RUN date at <paramref name="scheduledAt"/> and are not final.</summary>
    public Task<long> NotFinalAtAsync(IReadOnlyCollection<Guid> ids, DateTimeOffset scheduledAt) => ScalarAsync(
        "SELECT count(*) FROM jobmonitor.jobs WHERE id = ANY(@ids) AND abs(extract(epoch FROM scheduled_at - @at)) < 0.001 AND NOT status = ANY(@final)", ids,
        new NpgsqlParameter<DateTimeOffset>("at", scheduledAt));

    /// <summary>Where the jobs of <paramref name="ids"/> are, and every effect that happened more than once.</summary>
    public async Task<JobTally> TallyAsync(IReadOnlyCollection<Guid> ids, int opsPerJob, IReadOnlyCollection<Guid> abendExpected)
    {
        var statuses = new Dictionary<string, long>();
        await using (var command = Source.CreateCommand("SELECT status, count(*) FROM jobmonitor.jobs WHERE id = ANY(@ids) GROUP BY status"))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. ids]));
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                statuses[reader.GetString(0)] = reader.GetInt64(1);
        }
        var final = statuses.Where(s => FinalStatuses.Contains(s.Key)).Sum(s => s.Value);
        var repeatedLines = new List<string>();
        await using (var command = Source.CreateCommand(
            """
            SELECT step || ' ' || coalesce(op, '-') || ': ' || text FROM jobmonitor.job_log WHERE job_id = ANY(@ids)
            GROUP BY job_id, exec, step, op, level, text HAVING count(*) > 1 LIMIT 3
            """))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. ids]));
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                repeatedLines.Add(reader.GetString(0));
        }
        return new JobTally
        {
            Statuses = statuses,
            Stranded = ids.Count - final,
            // Each op of the load's pipelines is distinct and nothing reruns them: a job's op runs beyond its op count
            // are ops run again.
            OpsTwice = await ScalarAsync(
                "SELECT coalesce(sum(greatest(n - @ops, 0)), 0) FROM (SELECT count(*) n FROM jobmonitor.op_runs WHERE job_id = ANY(@ids) GROUP BY job_id) r",
                ids, new NpgsqlParameter<int>("ops", opsPerJob)),
            RepeatedLogLines = repeatedLines,
            LogLinesTwice = await ScalarAsync(
                "SELECT count(*) - count(DISTINCT (job_id, exec, step, op, level, text)) FROM jobmonitor.job_log WHERE job_id = ANY(@ids)", ids),
            AuditTwice = await ScalarAsync(
                "SELECT count(*) - count(DISTINCT (job_id, command_id)) FROM jobmonitor.job_audit WHERE job_id = ANY(@ids)", ids),
            StepsTwice = await ScalarAsync(
                """
                SELECT count(*) - count(DISTINCT (j.id, s.value ->> 'step'))
                FROM jobmonitor.jobs j CROSS JOIN LATERAL jsonb_array_elements(j.data -> 'steps') s
                WHERE j.id = ANY(@ids)
                """, ids),
            UnexpectedAbend = await ScalarAsync(
                "SELECT count(*) FROM jobmonitor.jobs WHERE id = ANY(@ids) AND status = 'Abend' AND NOT id = ANY(@expected)", ids,
                new NpgsqlParameter<Guid[]>("expected", [.. abendExpected])),
        };
    }

    /// <summary>
    /// Up to <paramref name="limit"/> jobs of <paramref name="ids"/> not final, each with its row, its step runs and
    /// its outbox rows still unsent: where a stranded job stopped, for a failing row's message.
    /// </summary>
    public async Task<IReadOnlyList<StrandedJob>> StrandedAsync(IReadOnlyCollection<Guid> ids, int limit)
    {
        await using var command = Source.CreateCommand(
            """
            SELECT j.key, j.status, j.step, j.step_run_id, j.gate_step_run_id, j.updated_at,
                   (SELECT string_agg(r.step_run_id || ' ' || r.worker || ' claimed ' || r.claimed_at
                                      || coalesce(' finished ' || r.finished_at, '') || coalesce(' abandoned ' || r.abandoned_at, ''), '; ')
                    FROM jobmonitor.step_runs AS r WHERE r.job_id = j.id),
                   (SELECT string_agg(o.message_type || ' to ' || o.destination || ' attempts ' || o.attempts
                                      || ' not before ' || o.not_before, '; ' ORDER BY o.sequence_number)
                    FROM jobmonitor.outbox_messages AS o WHERE o.job_id = j.id),
                   (SELECT string_agg(l.at || ' ' || l.text, '; ' ORDER BY l.at)
                    FROM (SELECT at, text FROM jobmonitor.job_log WHERE job_id = j.id ORDER BY at DESC LIMIT 6) AS l)
            FROM jobmonitor.jobs AS j
            WHERE j.id = ANY(@ids) AND NOT j.status = ANY(@final)
            ORDER BY j.updated_at
            LIMIT @limit
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. ids]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("final", FinalStatuses));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        var found = new List<StrandedJob>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            found.Add(new StrandedJob(
                reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.IsDBNull(4) ? null : reader.GetGuid(4),
                reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        return found;
    }

    /// <summary>Outbox rows not sent yet, of any job.</summary>
    public Task<long> OutboxRowsAsync() => ScalarAsync("SELECT count(*) FROM jobmonitor.outbox_messages", []);

    public async ValueTask DisposeAsync()
    {
        await Source.DisposeAsync();
        var name = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
        // FORCE: the service instances' pooled connections may outlive them by a moment.
        await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    async Task<long> ScalarAsync(string sql, IReadOnlyCollection<Guid> ids, params NpgsqlParameter[] parameters)
    {
        await using var command = Source.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. ids]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("final", FinalStatuses));
        command.Parameters.AddRange(parameters);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>The jobs' statuses and the effects seen more than once.</summary>
public sealed record JobTally
{
    public required IReadOnlyDictionary<string, long> Statuses { get; init; }

    /// <summary>Jobs not in a final status (or never stored) when the figures were taken: nothing moved them in time.</summary>
    public required long Stranded { get; init; }

    public required long OpsTwice { get; init; }
    public required long LogLinesTwice { get; init; }

    /// <summary>A few of the lines written more than once, to tell a double effect from a line that legitimately repeats.</summary>
    public required IReadOnlyList<string> RepeatedLogLines { get; init; }
    public required long AuditTwice { get; init; }

    /// <summary>A PRE, RUN or POST entered twice in one job's history: a transition applied twice.</summary>
    public required long StepsTwice { get; init; }

    /// <summary>Jobs in Abend whose worker did not die.</summary>
    public required long UnexpectedAbend { get; init; }

    public long Count(string status) => Statuses.GetValueOrDefault(status);
}

/// <summary>Where a job that is not final stopped: its row, step runs, unsent outbox rows and last log lines.</summary>
public sealed record StrandedJob(
    string Key, string Status, string Step, Guid? StepRunId, Guid? GateStepRunId, DateTimeOffset UpdatedAt,
    string? StepRuns, string? Outbox, string? LastLog)
{
    public override string ToString() =>
        $"{Key} {Status} at {Step}, step run {StepRunId?.ToString() ?? "none"} (gate {GateStepRunId?.ToString() ?? "none"}), " +
        $"updated {UpdatedAt:O}; step runs: {StepRuns ?? "none"}; outbox: {Outbox ?? "empty"}; log: {LastLog ?? "none"}";
}
