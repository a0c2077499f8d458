using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace JobMonitor.Bench;

/// <summary>
/// The raw floor's events: published persistent with confirms on a few channels to a fanout exchange, whose one
/// queue a consumer empties with acknowledgements and nothing else.
/// </summary>
public sealed class RawEvents : IAsyncDisposable
{
    const string Exchange = "bench-floor-events";
    const string Queue = "bench-floor-events";
    const int Channels = 4;

    readonly IChannel[] _publishers;
    readonly IChannel _consumer;
    long _next;

    RawEvents(IChannel[] publishers, IChannel consumer)
    {
        _publishers = publishers;
        _consumer = consumer;
    }

    public static async Task<RawEvents> OpenAsync(IConnection connection)
    {
        var consumer = await connection.CreateChannelAsync();
        await consumer.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true);
        await consumer.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
        await consumer.QueueBindAsync(Queue, Exchange, "");
        await consumer.BasicQosAsync(0, Floor.Prefetch, global: false);
        var acknowledging = new AsyncEventingBasicConsumer(consumer);
        acknowledging.ReceivedAsync += (_, delivery) => consumer.BasicAckAsync(delivery.DeliveryTag, multiple: false).AsTask();
        await consumer.BasicConsumeAsync(Queue, autoAck: false, acknowledging);
        var publishers = await Task.WhenAll(Enumerable.Range(0, Channels).Select(_ => connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true))));
        return new RawEvents(publishers, consumer);
    }

    /// <summary>Publishes <paramref name="count"/> events about the row and returns once RabbitMQ confirmed them.</summary>
    public Task PublishAsync(Guid row, int count)
    {
        var channel = _publishers[Interlocked.Increment(ref _next) % Channels];
        return Task.WhenAll(Enumerable.Range(0, count).Select(sequence => channel.BasicPublishAsync(Exchange, "", mandatory: false,
            new BasicProperties
            {
                ContentType = "application/json",
                DeliveryMode = DeliveryModes.Persistent,
                MessageId = Guid.NewGuid().ToString(),
            },
            Encoding.UTF8.GetBytes($$"""{"row":"{{row}}","sequence":{{sequence}}}""")).AsTask()));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _publishers)
            await channel.DisposeAsync();
        await _consumer.QueueDeleteAsync(Queue);
        await _consumer.ExchangeDeleteAsync(Exchange);
        await _consumer.DisposeAsync();
    }
}
