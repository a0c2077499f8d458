using RabbitMQ.Client;

namespace JobMonitor.Bench;

/// <summary>Publishes bare JSON bodies as a non-.NET upstream system does, on a few confirmed channels at once.</summary>
public sealed class RawPublisher(IConnection connection) : IAsyncDisposable
{
    const int Publishers = 4;
    const int InFlightPerPublisher = 64;

    public static async Task<RawPublisher> ConnectAsync(Uri uri) =>
        new(await new ConnectionFactory { Uri = uri }.CreateConnectionAsync("jobmonitor-bench"));

    public IConnection Connection => connection;

    public ValueTask DisposeAsync() => connection.DisposeAsync();

    /// <summary>Publishes every message and returns once RabbitMQ has confirmed them all.</summary>
    public async Task PublishAsync(string exchange, string routingKey, IReadOnlyList<RawMessage> messages)
    {
        await Task.WhenAll(Enumerable.Range(0, Publishers).Select(async publisher =>
        {
            await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(
                publisherConfirmationsEnabled: true,
                publisherConfirmationTrackingEnabled: true));
            // Each publisher takes every Publishers-th message; a window of un-confirmed publishes keeps the channel busy.
            var mine = Enumerable.Range(0, messages.Count).Where(i => i % Publishers == publisher);
            foreach (var window in mine.Chunk(InFlightPerPublisher))
                await Task.WhenAll(window.Select(i => PublishOneAsync(channel, exchange, routingKey, messages[i])));
        }));
    }

    static async Task PublishOneAsync(IChannel channel, string exchange, string routingKey, RawMessage message)
    {
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = Guid.NewGuid().ToString(),
            CorrelationId = message.CorrelationId,
            Headers = message.Events is { } events ? new Dictionary<string, object?> { [RawMessage.EventsHeader] = events } : null,
        };
        await channel.BasicPublishAsync(exchange, routingKey, mandatory: false, properties, message.Body);
    }
}

/// <summary>A body and, for the floor, the row it updates and how many events it publishes (a header).</summary>
public sealed record RawMessage(byte[] Body, string? CorrelationId = null, int? Events = null)
{
    public const string EventsHeader = "floor-events";
}
