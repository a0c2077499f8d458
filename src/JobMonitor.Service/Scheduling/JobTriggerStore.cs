using Npgsql;

namespace JobMonitor.Service.Scheduling;

/// <summary>The table <c>jobmonitor.job_triggers</c>: which Hangfire job currently stands for a job's trigger of a kind.</summary>
public sealed class JobTriggerStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>
    /// Records the arm with no Hangfire job yet. Returns false when this very arm (same token and instant) is already
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
            INSERT INTO jobmonitor.job_triggers AS t (job_id, kind, job_key, due_at, token, hangfire_job_id, armed_at, fired_at)
            VALUES (@job_id, @kind, @job_key, @due_at, @token, NULL, @now, NULL)
            ON CONFLICT (job_id, kind) DO UPDATE
                SET job_key = excluded.job_key, due_at = excluded.due_at, token = excluded.token,
                    hangfire_job_id = NULL, armed_at = excluded.armed_at, fired_at = NULL
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
    /// Whether this Hangfire job still stands for the trigger: its own id is recorded, or the arm that created it is
    /// still between scheduling and recording it (a trigger due at once can start before its id is written).
    /// </summary>
    public async Task<bool> IsCurrentAsync(Guid jobId, JobTriggerKind kind, DateTimeOffset dueAt, int token, string hangfireJobId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT EXISTS (
                SELECT 1 FROM jobmonitor.job_triggers
                WHERE job_id = @job_id AND kind = @kind AND token = @token AND due_at = @due_at
                  AND (hangfire_job_id = @hangfire_job_id OR hangfire_job_id IS NULL))
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("job_id", jobId);
        command.Parameters.AddWithValue("kind", kind.ToString());
        command.Parameters.AddWithValue("token", token);
        command.Parameters.AddWithValue("due_at", dueAt.ToUniversalTime());
        command.Parameters.AddWithValue("hangfire_job_id", hangfireJobId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
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

    public async Task MarkFiredAsync(Guid jobId, JobTriggerKind kind, int token, DateTimeOffset firedAt, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE jobmonitor.job_triggers SET fired_at = @fired_at
            WHERE job_id = @job_id AND kind = @kind AND token = @token
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("fired_at", firedAt);
        command.Parameters.AddWithValue("job_id", jobId);
        command.Parameters.AddWithValue("kind", kind.ToString());
        command.Parameters.AddWithValue("token", token);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
