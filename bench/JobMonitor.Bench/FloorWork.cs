using Npgsql;

namespace JobMonitor.Bench;

/// <summary>
/// What every floor run does: <see cref="Floor.MessagesPerJob"/> messages per job of the throughput run, each a
/// single-row UPDATE of that job's row with a job's document.
/// </summary>
public sealed record FloorWork(string ConnectionString, IReadOnlyList<Guid> Rows, string Payload)
{
    public long Messages => (long)Rows.Count * Floor.MessagesPerJob;

    /// <summary>Makes the rows, one per job, holding the document of the throughput run's first job.</summary>
    public static async Task<FloorWork> PrepareAsync(BenchHost host, IReadOnlyList<Guid> jobIds)
    {
        var payload = await new JobsTable(host.Database).SampleDataAsync(jobIds[0]);
        await using var command = host.Database.CreateCommand(
            """
            CREATE SCHEMA IF NOT EXISTS bench;
            CREATE TABLE bench.floor_rows (id uuid PRIMARY KEY, version int NOT NULL, data jsonb NOT NULL);
            INSERT INTO bench.floor_rows (id, version, data) SELECT unnest(@ids), 1, @payload::jsonb;
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. jobIds]));
        command.Parameters.Add(new NpgsqlParameter<string>("payload", payload));
        await command.ExecuteNonQueryAsync();
        return new FloorWork(host.ConnectionString, jobIds, payload);
    }
}
