using Npgsql;

namespace JobMonitor.Bench;

/// <summary>What the bench reads from the service's jobs table.</summary>
public sealed class JobsTable(NpgsqlDataSource database)
{
    // The figures come from the stored timestamps (ended_at, the steps' startedAt), not from when a poll saw them. A
    // count over 2,000 job ids costs the database under test 2-3 ms, over a few next to nothing: the waits for many
    // jobs poll less often, those of the warm-up as before (its length decides how warm the process is after it).
    static TimeSpan Poll(int jobs) => TimeSpan.FromMilliseconds(jobs > 100 ? 500 : 100);

    // SPEC §11: a job in none of these statuses when its deadline passes is stranded.
    static readonly string[] FinalStatuses = ["Finished", "Error", "Canceled", "Abend", "Expired", "Rejected"];

    /// <summary>Waits until every job of <paramref name="ids"/> is Finished; returns the last one's end.</summary>
    public async Task<DateTimeOffset> WaitAllFinishedAsync(IReadOnlyCollection<Guid> ids, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (await CountAsync(ids, ["Finished"]) < ids.Count)
        {
            if (deadline.IsCancellationRequested)
                throw new TimeoutException(
                    $"Only {await CountAsync(ids, ["Finished"])} of {ids.Count} jobs Finished within {timeout.TotalSeconds:0} s; " +
                    $"statuses: {await StatusesAsync(ids)}.");
            await Task.Delay(Poll(ids.Count));
        }
        await using var command = database.CreateCommand(
            """SELECT max(ended_at) FROM jobmonitor.jobs WHERE id = ANY(@ids)""");
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. ids]));
        return (DateTimeOffset)(DateTime)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Waits until every job is in a final status or <paramref name="timeout"/> passed; returns how many are not (stranded).</summary>
    public async Task<long> WaitAllFinalAsync(IReadOnlyCollection<Guid> ids, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        long final;
        while ((final = await CountAsync(ids, FinalStatuses)) < ids.Count && !deadline.IsCancellationRequested)
            await Task.Delay(Poll(ids.Count));
        if (final < ids.Count)
            Console.WriteLine($"  not final after {timeout.TotalSeconds:0} s: {await StatusesAsync(ids)}");
        return ids.Count - final;
    }

    /// <summary>One finished job's saga state, as the service stores it (a realistic floor payload).</summary>
    public async Task<string> SampleDataAsync(Guid id)
    {
        await using var command = database.CreateCommand("""SELECT data::text FROM jobmonitor.jobs WHERE id = @id""");
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Per job whose RUN started, RUN start minus scheduledAt in ms (the RUN entry of the state's steps[] says when it
    /// started), and whether PRE was still running at the date: then RUN waited for PRE, not for the trigger.
    /// </summary>
    public async Task<IReadOnlyList<(double LatenessMs, bool PreLate)>> RunLatenessAsync(IReadOnlyCollection<Guid> ids)
    {
        await using var command = database.CreateCommand(
            """
            SELECT extract(epoch FROM (run.value ->> 'startedAt')::timestamptz - j.scheduled_at) * 1000,
                   (pre.value ->> 'endedAt')::timestamptz > j.scheduled_at
            FROM jobmonitor.jobs j
            CROSS JOIN LATERAL jsonb_array_elements(j.data -> 'steps') run
            CROSS JOIN LATERAL jsonb_array_elements(j.data -> 'steps') pre
            WHERE j.id = ANY(@ids) AND run.value ->> 'step' = 'Run' AND pre.value ->> 'step' = 'Pre'
              AND run.value ->> 'startedAt' IS NOT NULL
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. ids]));
        var lateness = new List<(double, bool)>(ids.Count);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            lateness.Add(((double)reader.GetDecimal(0), reader.GetBoolean(1)));
        return lateness;
    }

    async Task<long> CountAsync(IReadOnlyCollection<Guid> ids, string[] statuses)
    {
        await using var command = database.CreateCommand(
            """SELECT count(*) FROM jobmonitor.jobs WHERE status = ANY(@statuses) AND id = ANY(@ids)""");
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. ids]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("statuses", statuses));
        return (long)(await command.ExecuteScalarAsync())!;
    }

    async Task<string> StatusesAsync(IReadOnlyCollection<Guid> ids)
    {
        await using var command = database.CreateCommand(
            """SELECT string_agg(status || ' ' || n, ', ') FROM (SELECT status, count(*) n FROM jobmonitor.jobs WHERE id = ANY(@ids) GROUP BY status) s""");
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. ids]));
        return await command.ExecuteScalarAsync() as string ?? "none stored";
    }
}
