using System.Diagnostics;
using System.Text;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace JobMonitor.Bench;

/// <summary>
/// The floor: what RabbitMQ.Client and Npgsql alone do with 7 messages per job (<see cref="MessagesPerJob"/>) at the
/// saga's concurrency, one single-row UPDATE per message, no MassTransit, no saga logic.
/// </summary>
public static class Floor
{
    const string Queue = "bench-floor";
    const int Concurrency = 32;
    const ushort Prefetch = 64;

    /// <summary>A job is at least 7 durable transitions: create, 3 step starts, 3 step ends (issue 11).</summary>
    public const int MessagesPerJob = 7;

    public sealed record Result(long Messages, TimeSpan Elapsed)
    {
        public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;
    }

    public static async Task<Result> RunAsync(string connectionString, RawPublisher publisher,
        IReadOnlyList<Guid> rowIds, string payload, long messages)
    {
        await using var database = NpgsqlDataSource.Create(connectionString);
        await CreateRowsAsync(database, rowIds, payload);

        await using var channel = await publisher.Connection.CreateChannelAsync(
            new CreateChannelOptions(false, false, consumerDispatchConcurrency: Concurrency));
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueuePurgeAsync(Queue);
        await channel.BasicQosAsync(0, Prefetch, global: false);

        long acked = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            await using (var command = database.CreateCommand(
                """UPDATE bench.floor_rows SET version = version + 1, data = @payload::jsonb WHERE id = @id"""))
            {
                command.Parameters.Add(new NpgsqlParameter<Guid>("id", Guid.Parse(delivery.BasicProperties.CorrelationId!)));
                command.Parameters.Add(new NpgsqlParameter<string>("payload", Encoding.UTF8.GetString(delivery.Body.Span)));
                await command.ExecuteNonQueryAsync();
            }
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            if (Interlocked.Increment(ref acked) == messages)
                done.TrySetResult();
        };
        var tag = await channel.BasicConsumeAsync(Queue, autoAck: false, consumer);

        // Spread over the rows as the saga's events spread over its jobs.
        var body = Encoding.UTF8.GetBytes(payload);
        var clock = Stopwatch.StartNew();
        await publisher.PublishAsync("", Queue, [.. Enumerable.Range(0, (int)messages)
            .Select(i => new RawMessage(body, rowIds[i % rowIds.Count].ToString()))]);
        await done.Task.WaitAsync(Throughput.Timeout((int)messages));
        var elapsed = clock.Elapsed;
        await channel.BasicCancelAsync(tag);
        await channel.QueueDeleteAsync(Queue);
        return new Result(messages, elapsed);
    }

    static async Task CreateRowsAsync(NpgsqlDataSource database, IReadOnlyList<Guid> rowIds, string payload)
    {
        await using var command = database.CreateCommand(
            """
            CREATE SCHEMA IF NOT EXISTS bench;
            CREATE TABLE bench.floor_rows (id uuid PRIMARY KEY, version int NOT NULL, data jsonb NOT NULL);
            INSERT INTO bench.floor_rows (id, version, data) SELECT unnest(@ids), 1, @payload::jsonb;
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. rowIds]));
        command.Parameters.Add(new NpgsqlParameter<string>("payload", payload));
        await command.ExecuteNonQueryAsync();
    }
}
