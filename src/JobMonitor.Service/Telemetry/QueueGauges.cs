using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Telemetry;

/// <summary>
/// Depth (messages ready, i.e. how far the consumers lag behind) and consumers of the service's RabbitMQ queues, read
/// by a <see cref="QueueReader"/>. Each queue's
/// <c>_error</c> companion, where MassTransit moves the messages its consumers could not handle, is read as well.
/// </summary>
public sealed class QueueGauges : IAsyncDisposable
{
    readonly QueueReader reader;
    readonly IReadOnlyList<string> queues;
    readonly CachedReading<IReadOnlyList<QueueReading>> readings;

    public QueueGauges(IConfiguration configuration, IMeterFactory meters, TimeProvider time, IOptions<TelemetryOptions> options, ILogger<QueueGauges> logger)
    {
        var uri = configuration.GetConnectionString("RabbitMq")
            ?? throw new InvalidOperationException("ConnectionStrings:RabbitMq is not set.");
        reader = new QueueReader(uri, "jobmonitor-queue-gauges");
        queues = [.. (options.Value.Queues.Count > 0 ? options.Value.Queues : TelemetryOptions.DefaultQueues)
            .SelectMany<string, string>(queue => [queue, queue + ErrorSuffix])];
        readings = new(Read, [], options.Value.GaugeCacheTime, time,
            e => logger.LogWarning(e, "Could not read the RabbitMQ queue depths for the gauges"));

        var meter = meters.Create(JobMonitorTelemetry.Name);
        meter.CreateObservableGauge("jobmonitor.queue.depth",
            () => readings.Value.Select(r => new Measurement<long>(r.Ready, Tag(r))),
            description: "Messages ready in a queue of the service: the backlog its consumers lag behind");
        meter.CreateObservableGauge("jobmonitor.queue.consumers",
            () => readings.Value.Select(r => new Measurement<long>(r.Consumers, Tag(r))),
            description: "Consumers of a queue of the service");
    }

    /// <summary>MassTransit's name for a receive endpoint's error queue: the queue's name and this.</summary>
    const string ErrorSuffix = "_error";

    static KeyValuePair<string, object?> Tag(QueueReading reading) => new("queue", reading.Queue);

    // Gauge callbacks are synchronous; the cache keeps this to one round of declares per period.
    List<QueueReading> Read() => ReadAsync().GetAwaiter().GetResult();

    async Task<List<QueueReading>> ReadAsync()
    {
        var result = new List<QueueReading>();
        foreach (var queue in queues)
        {
            // A queue not declared (yet), or another connection's own, has nothing to report.
            if (await reader.ReadAsync(queue) is { Locked: false } reading)
                result.Add(reading);
        }
        return result;
    }

    public ValueTask DisposeAsync() => reader.DisposeAsync();
}
