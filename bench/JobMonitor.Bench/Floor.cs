using System.Diagnostics;
using System.Text;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace JobMonitor.Bench;

/// <summary>
/// The floor: what RabbitMQ.Client and Npgsql alone do with 7 messages per job (<see cref="MessagesPerJob"/>) at the
/// saga's concurrency, one single-row UPDATE per message, no MassTransit, no saga logic. Issue 11's ratio is against
/// it without events.
/// </summary>
public static class Floor
{
    const string Queue = "bench-floor";
    internal const int Concurrency = 32;
    internal const ushort Prefetch = 64;
    internal const string UpdateSql = "UPDATE bench.floor_rows SET version = version + 1, data = @payload::jsonb WHERE id = @id";

    /// <summary>A job is at least 7 durable transitions: create, 3 step starts, 3 step ends (issue 11).</summary>
    public const int MessagesPerJob = 7;

    public sealed record Result(long Messages, TimeSpan Elapsed)
    {
        public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;
    }

    /// <summary>The contract's events a job of the throughput run publishes (21 sends, 3 of them engine messages).</summary>
    public const int ContractEventsPerJob = 18;

    /// <summary>
    /// The floor's messages; with events, each message also publishes its share of a job's events after its UPDATE
    /// (persistent, with confirms, to a queue whose consumer only acknowledges, as the monitor's fan-out only
    /// notifies browsers). The events are smaller than any of the contract's.
    /// </summary>
    public static async Task<Result> RunAsync(FloorWork work, RawPublisher publisher, int eventsPerJob)
    {
        var (rowIds, messages) = (work.Rows, work.Messages);
        await using var database = NpgsqlDataSource.Create(work.ConnectionString);
        await using var channel = await publisher.Connection.CreateChannelAsync(
            new CreateChannelOptions(false, false, consumerDispatchConcurrency: Concurrency));
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueuePurgeAsync(Queue);
        await channel.BasicQosAsync(0, Prefetch, global: false);
        await using var events = eventsPerJob > 0 ? await RawEvents.OpenAsync(publisher.Connection) : null;

        long acked = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            var row = Guid.Parse(delivery.BasicProperties.CorrelationId!);
            await using (var command = database.CreateCommand(UpdateSql))
            {
                command.Parameters.Add(new NpgsqlParameter<Guid>("id", row));
                command.Parameters.Add(new NpgsqlParameter<string>("payload", Encoding.UTF8.GetString(delivery.Body.Span)));
                await command.ExecuteNonQueryAsync();
            }
            if (events is not null)
                await events.PublishAsync(row, (int)delivery.BasicProperties.Headers![RawMessage.EventsHeader]!);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            if (Interlocked.Increment(ref acked) == messages)
                done.TrySetResult();
        };
        var tag = await channel.BasicConsumeAsync(Queue, autoAck: false, consumer);

        // Spread over the rows as the saga's events spread over its jobs; a header carries the message's events.
        var body = Encoding.UTF8.GetBytes(work.Payload);
        var clock = Stopwatch.StartNew();
        await publisher.PublishAsync("", Queue, [.. Enumerable.Range(0, (int)messages)
            .Select(i => new RawMessage(body, rowIds[i % rowIds.Count].ToString(),
                events is null ? null : EventsOf(i / rowIds.Count, eventsPerJob)))]);
        await done.Task.WaitAsync(Throughput.Timeout((int)messages));
        var elapsed = clock.Elapsed;
        await channel.BasicCancelAsync(tag);
        await channel.QueueDeleteAsync(Queue);
        return new Result(messages, elapsed);
    }

    /// <summary>A job's events spread over its messages (the row's n-th): 18 over 7 is 3, 3, 3, 3, 2, 2, 2.</summary>
    internal static int EventsOf(int step, int eventsPerJob) =>
        eventsPerJob / MessagesPerJob + (step < eventsPerJob % MessagesPerJob ? 1 : 0);
}
