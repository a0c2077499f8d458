using System.Text.Json;
using JobMonitor.Service.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace JobMonitor.Service.Scheduling;

/// <summary>The table <c>jobmonitor.job_triggers</c>: which Hangfire job currently stands for a job's trigger of a kind.</summary>
public sealed class JobTriggerStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>
    /// Records the arm with no Hangfire job yet, untaken (a firer's claim on the arm it replaces does not hold it back).
    /// Returns false when this very arm (same token and instant) is already
    /// recorded with its Hangfire job, i.e. a redelivery, or when a newer arm (higher token) is recorded: a stale arm
    /// read late by another instance never replaces it. Otherwise true and the Hangfire job it replaces, if any.
    /// </summary>
    public async Task<(bool Armed, string? Replaced)> BeginArmAsync(ArmJobTrigger arm, CancellationToken cancellationToken)
    {
        const string sql = """
            WITH previous AS (
                SELECT hangfire_job_id FROM jobmonitor.job_triggers
                WHERE job_id = @job_id AND kind = @kind
                FOR UPDATE)
            INSERT INTO jobmonitor.job_triggers AS t (job_id, kind, job_key, due_at, token, hangfire_job_id, armed_at, fired_at, dispatch)
            VALUES (@job_id, @kind, @job_key, @due_at, @token, NULL, @now, NULL, @dispatch)
            ON CONFLICT (job_id, kind) DO UPDATE
                SET job_key = excluded.job_key, due_at = excluded.due_at, token = excluded.token,
                    hangfire_job_id = NULL, armed_at = excluded.armed_at, fired_at = NULL, firing_at = NULL,
                    dispatch = excluded.dispatch
                WHERE excluded.token > t.token
                   OR (excluded.token = t.token AND (t.due_at <> excluded.due_at OR t.hangfire_job_id IS NULL))
            RETURNING (SELECT hangfire_job_id FROM previous)
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("job_id", arm.JobId);
        command.Parameters.AddWithValue("kind", arm.Kind.ToString());
        command.Parameters.AddWithValue("job_key", arm.JobKey);
        command.Parameters.AddWithValue("due_at", arm.DueAt.ToUniversalTime());
        command.Parameters.AddWithValue("token", arm.Token);
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        command.Parameters.Add(new NpgsqlParameter("dispatch", NpgsqlDbType.Jsonb)
        {
            Value = arm.Dispatch is null ? DBNull.Value : JsonSerializer.Serialize(arm.Dispatch, JobJson.Options),
        });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return (false, null);
        return (true, await reader.IsDBNullAsync(0, cancellationToken) ? null : reader.GetString(0));
    }

    /// <summary>Attaches the Hangfire job to the arm; false when a newer arm or a disarm came in between.</summary>
    public async Task<bool> CompleteArmAsync(ArmJobTrigger arm, string hangfireJobId, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE jobmonitor.job_triggers SET hangfire_job_id = @hangfire_job_id
            WHERE job_id = @job_id AND kind = @kind AND token = @token AND due_at = @due_at AND hangfire_job_id IS NULL
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("hangfire_job_id", hangfireJobId);
        command.Parameters.AddWithValue("job_id", arm.JobId);
        command.Parameters.AddWithValue("kind", arm.Kind.ToString());
        command.Parameters.AddWithValue("token", arm.Token);
        command.Parameters.AddWithValue("due_at", arm.DueAt.ToUniversalTime());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Removes the job's triggers of these kinds (all when empty) armed with at most the token given for their kind,
    /// and returns their Hangfire jobs.
    /// </summary>
    public async Task<IReadOnlyList<string>> DisarmAsync(
        Guid jobId, IReadOnlyList<JobTriggerKind> kinds, IReadOnlyDictionary<JobTriggerKind, int> tokens, CancellationToken cancellationToken)
    {
        const string sql = """
            DELETE FROM jobmonitor.job_triggers t
            WHERE job_id = @job_id AND (cardinality(@kinds) = 0 OR kind = ANY(@kinds))
              AND NOT EXISTS (
                  SELECT 1 FROM unnest(@token_kinds, @tokens) AS newest(kind, token)
                  WHERE newest.kind = t.kind AND t.token > newest.token)
            RETURNING hangfire_job_id
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("job_id", jobId);
        command.Parameters.AddWithValue("kinds", kinds.Select(k => k.ToString()).ToArray());
        command.Parameters.AddWithValue("token_kinds", tokens.Keys.Select(k => k.ToString()).ToArray());
        command.Parameters.AddWithValue("tokens", tokens.Values.ToArray());
        var removed = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!await reader.IsDBNullAsync(0, cancellationToken))
                removed.Add(reader.GetString(0));
        }
        return removed;
    }

    /// <summary>
    /// Takes the trigger to fire it: only while it is still armed with this token and instant, not fired, and not
    /// taken by another firer in the last <paramref name="claimTimeout"/> (one that died before it published loses it
    /// then). A Hangfire job (<paramref name="hangfireJobId"/>) takes it only while it stands for the trigger, or while
    /// its arm is between scheduling it and recording it (a trigger due at once can start before its id is written).
    /// </summary>
    public async Task<TakenTrigger?> TryTakeAsync(DueTrigger trigger, string? hangfireJobId, TimeSpan claimTimeout, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE jobmonitor.job_triggers SET firing_at = clock_timestamp()
            WHERE job_id = @job_id AND kind = @kind AND token = @token AND due_at = @due_at AND fired_at IS NULL
              AND (firing_at IS NULL OR firing_at < clock_timestamp() - @claim_timeout)
              AND (@hangfire_job_id::text IS NULL OR hangfire_job_id IS NULL OR hangfire_job_id = @hangfire_job_id)
            RETURNING dispatch::text
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("job_id", trigger.JobId);
        command.Parameters.AddWithValue("kind", trigger.Kind.ToString());
        command.Parameters.AddWithValue("token", trigger.Token);
        command.Parameters.AddWithValue("due_at", trigger.DueAt.ToUniversalTime());
        command.Parameters.AddWithValue("claim_timeout", claimTimeout);
        command.Parameters.Add(new NpgsqlParameter<string?>("hangfire_job_id", hangfireJobId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        return new TakenTrigger(await reader.IsDBNullAsync(0, cancellationToken)
            ? null
            : JsonSerializer.Deserialize<PreparedRun>(reader.GetString(0), JobJson.Options));
    }

    /// <summary>The Hangfire job of the job's trigger due next that Hangfire still holds, or null.</summary>
    public async Task<string?> PendingHangfireJobAsync(Guid jobId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT hangfire_job_id FROM jobmonitor.job_triggers
            WHERE job_id = @job_id AND hangfire_job_id IS NOT NULL AND fired_at IS NULL
            ORDER BY due_at
            LIMIT 1
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("job_id", jobId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Gives a taken trigger back (its publish failed), so the next look of any clock fires it.</summary>
    public async Task ReleaseAsync(DueTrigger trigger, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE jobmonitor.job_triggers SET firing_at = NULL
            WHERE job_id = @job_id AND kind = @kind AND token = @token AND due_at = @due_at AND fired_at IS NULL
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("job_id", trigger.JobId);
        command.Parameters.AddWithValue("kind", trigger.Kind.ToString());
        command.Parameters.AddWithValue("token", trigger.Token);
        command.Parameters.AddWithValue("due_at", trigger.DueAt.ToUniversalTime());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The triggers due within <paramref name="horizon"/> (or overdue) that nobody fired or holds, soonest first.
    /// </summary>
    public async Task<IReadOnlyList<DueTrigger>> DueWithinAsync(TimeSpan horizon, TimeSpan claimTimeout, int limit, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT job_id, kind, job_key, due_at, token FROM jobmonitor.job_triggers
            WHERE fired_at IS NULL AND due_at <= clock_timestamp() + @horizon
              AND (firing_at IS NULL OR firing_at < clock_timestamp() - @claim_timeout)
            ORDER BY due_at
            LIMIT @limit
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("horizon", horizon);
        command.Parameters.AddWithValue("claim_timeout", claimTimeout);
        command.Parameters.AddWithValue("limit", limit);
        var due = new List<DueTrigger>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            due.Add(new DueTrigger(reader.GetGuid(0), Enum.Parse<JobTriggerKind>(reader.GetString(1)), reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt32(4)));
        return due;
    }

    public async Task MarkFiredAsync(DueTrigger trigger, DateTimeOffset firedAt, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE jobmonitor.job_triggers SET fired_at = @fired_at
            WHERE job_id = @job_id AND kind = @kind AND token = @token
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("fired_at", firedAt);
        command.Parameters.AddWithValue("job_id", trigger.JobId);
        command.Parameters.AddWithValue("kind", trigger.Kind.ToString());
        command.Parameters.AddWithValue("token", trigger.Token);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>A trigger taken to be fired, with the RUN it dispatches (a RUN-gate trigger whose RUN was prepared).</summary>
public sealed record TakenTrigger(PreparedRun? Dispatch);

/// <summary>One armed trigger: which job, which kind, when, with which token.</summary>
public sealed record DueTrigger(Guid JobId, JobTriggerKind Kind, string JobKey, DateTimeOffset DueAt, int Token)
{
    /// <summary>The trigger of an arm, its instant in whole microseconds as PostgreSQL keeps it (so both read the same).</summary>
    public static DueTrigger Of(ArmJobTrigger arm) =>
        new(arm.JobId, arm.Kind, arm.JobKey, arm.DueAt.ToUniversalTime().AddTicks(-(arm.DueAt.UtcTicks % TimeSpan.TicksPerMicrosecond)), arm.Token);
}
