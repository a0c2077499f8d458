using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Npgsql;

namespace JobMonitor.Bench;

/// <summary>A message of <see cref="MassTransitFloor"/>: the row to update, the document to write, the events to publish.</summary>
public sealed record FloorTouch(Guid Row, JsonElement Data, int Events);

/// <summary>An event of <see cref="MassTransitFloor"/>, smaller than any of the contract's.</summary>
public sealed record FloorEvent(Guid Row, int Sequence);

/// <summary>
/// The floor's work done through MassTransit, the stack SPEC §1 names: the same messages, queue settings and
/// single-row UPDATE as <see cref="Floor"/>, sent and consumed by a MassTransit bus (publisher confirms, envelope
/// serialization, its receive pipeline) instead of RabbitMQ.Client alone. No saga, inbox, outbox or retry: the most
/// an engine that moves a job with <see cref="Floor.MessagesPerJob"/> MassTransit messages could do here. With
/// events, each job's messages also publish that many between them after their UPDATE, as the raw floor's do.
/// </summary>
public static class MassTransitFloor
{
    const string Queue = "bench-mt-floor";
    const string EventQueue = "bench-mt-floor-events";
    const int InFlight = 256;

    public static async Task<Floor.Result> RunAsync(FloorWork work, Uri rabbitMq, int eventsPerJob)
    {
        var (rowIds, messages) = (work.Rows, work.Messages);
        await using var database = NpgsqlDataSource.Create(work.ConnectionString);
        long consumed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(rabbitMq);
            cfg.ReceiveEndpoint(Queue, endpoint =>
            {
                endpoint.PrefetchCount = Floor.Prefetch;
                endpoint.ConcurrentMessageLimit = Floor.Concurrency;
                endpoint.Handler<FloorTouch>(async context =>
                {
                    await using (var command = database.CreateCommand(Floor.UpdateSql))
                    {
                        command.Parameters.Add(new NpgsqlParameter<Guid>("id", context.Message.Row));
                        command.Parameters.Add(new NpgsqlParameter<string>("payload", context.Message.Data.GetRawText()));
                        await command.ExecuteNonQueryAsync(context.CancellationToken);
                    }
                    await Task.WhenAll(Enumerable.Range(0, context.Message.Events)
                        .Select(sequence => context.Publish(new FloorEvent(context.Message.Row, sequence))));
                    if (Interlocked.Increment(ref consumed) == messages)
                        done.TrySetResult();
                });
            });
            cfg.ReceiveEndpoint(EventQueue, endpoint => endpoint.Handler<FloorEvent>(_ => Task.CompletedTask));
        });
        await bus.StartAsync();
        try
        {
            using var document = JsonDocument.Parse(work.Payload);
            var data = document.RootElement;
            var queue = await bus.GetSendEndpoint(new Uri($"queue:{Queue}"));
            var clock = Stopwatch.StartNew();
            // As many sends awaiting their confirm at once as the raw floor's publishers keep in flight.
            foreach (var window in Enumerable.Range(0, (int)messages).Chunk(InFlight))
                await Task.WhenAll(window.Select(i =>
                    queue.Send(new FloorTouch(rowIds[i % rowIds.Count], data, Floor.EventsOf(i / rowIds.Count, eventsPerJob)))));
            await done.Task.WaitAsync(Throughput.Timeout((int)messages));
            return new Floor.Result(messages, clock.Elapsed);
        }
        finally
        {
            await bus.StopAsync();
        }
    }
}
