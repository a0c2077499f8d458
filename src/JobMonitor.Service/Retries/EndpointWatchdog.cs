using System.Collections.Concurrent;
using JobMonitor.Service.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Retries;

/// <summary>
/// Restarts a receive endpoint whose queue has had no consumer on the broker for <see cref="EndpointWatchdogOptions.Grace"/>
/// while the broker answers. MassTransit restarts an endpoint when it hears that its channel died; after a broker
/// restart it was seen not to hear it (no channel shutdown reached it), and then it reconnected,
/// published again, and consumed nothing for good. The watchdog asks the broker itself, on a connection of its own, how
/// many consumers each queue this instance consumes has (a passive declare). It judges nothing while the broker is
/// away or an endpoint is stopped on purpose (shutdown, kill switch). With several instances on one queue it sees only
/// that nobody consumes it, which is what strands messages.
/// </summary>
public sealed class EndpointWatchdog(
    QueueReader broker,
    IOptions<EndpointWatchdogOptions> options,
    TimeProvider time,
    ILogger<EndpointWatchdog> logger)
    : BackgroundService, IReceiveEndpointObserver
{
    readonly ConcurrentDictionary<string, Watched> watched = new(StringComparer.Ordinal);

    // AloneSince belongs to the watch loop; Restarting is read by the bus's endpoint events as well.
    sealed class Watched(IReceiveEndpoint endpoint)
    {
        public IReceiveEndpoint Endpoint { get; } = endpoint;
        public DateTimeOffset? AloneSince { get; set; }
        public volatile bool Restarting;
    }

    // The queue of an endpoint's input address: its last path segment (the query says temporary or not).
    static string QueueOf(Uri inputAddress) => inputAddress.AbsolutePath[(inputAddress.AbsolutePath.LastIndexOf('/') + 1)..];

    public Task Ready(ReceiveEndpointReady ready)
    {
        if (IsBusEndpoint(ready.InputAddress))
            return Task.CompletedTask;
        // An endpoint the watchdog itself restarts stays as it is: the restart clears its time alone when it ends.
        watched.AddOrUpdate(QueueOf(ready.InputAddress), _ => new Watched(ready.ReceiveEndpoint),
            (_, w) => w.Restarting ? w : new Watched(ready.ReceiveEndpoint));
        return Task.CompletedTask;
    }

    /// <summary>
    /// The bus's own temporary endpoint (<c>…_bus_…?temporary=true</c>) takes responses to requests, which this service
    /// does not make; the bus recreates it with its connection.
    /// </summary>
    static bool IsBusEndpoint(Uri inputAddress) =>
        inputAddress.Query.Contains("temporary=true", StringComparison.Ordinal)
        && QueueOf(inputAddress).Contains("_bus_", StringComparison.Ordinal);

    public Task Stopping(ReceiveEndpointStopping stopping)
    {
        var queue = QueueOf(stopping.InputAddress);
        if (watched.TryGetValue(queue, out var w) && !w.Restarting)
            watched.TryRemove(queue, out _);
        return Task.CompletedTask;
    }

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;
    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await WatchOnceAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogDebug("Endpoint watchdog stopped");
        }
        finally
        {
            await broker.DisposeAsync();
        }
    }

    // One look at every watched queue, and the restarts it calls for.
    async Task WatchOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = new List<(string Queue, Watched Endpoint, TimeSpan Alone)>();
        foreach (var (queue, w) in watched)
        {
            if (w.Restarting)
                continue;
            QueueReading? reading;
            try
            {
                // A queue that is not there (a temporary one lost with the broker) has no consumer either.
                reading = await broker.ReadAsync(queue, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The broker does not answer: nothing can be judged, and the time alone starts over once it does.
                logger.LogDebug(e, "Endpoint watchdog could not ask the broker about {Queue}", queue);
                foreach (var other in watched.Values)
                    other.AloneSince = null;
                return;
            }
            // An exclusive queue that another connection holds: the bus's connection, alive, since the broker deletes
            // such a queue with its connection.
            if (reading is { Locked: true } || reading?.Consumers > 0)
            {
                w.AloneSince = null;
                continue;
            }
            w.AloneSince ??= now;
            if (now - w.AloneSince >= options.Value.Grace)
                due.Add((queue, w, now - w.AloneSince.Value));
        }
        // Together: an endpoint's stop can wait on its dead channel for the broker's time-out.
        await Task.WhenAll(due.Select(d => RestartAsync(d.Queue, d.Endpoint, d.Alone, cancellationToken)));
    }

    async Task RestartAsync(string queue, Watched w, TimeSpan alone, CancellationToken cancellationToken)
    {
        logger.LogWarning("Queue {Queue} has had no consumer for {Alone} while the broker answers; restarting its receive endpoint", queue, alone);
        w.Restarting = true;
        try
        {
            await StopAsync(queue, w.Endpoint, cancellationToken);
            var handle = w.Endpoint.Start(cancellationToken);
            await handle.Ready.WaitAsync(options.Value.StopTimeout, cancellationToken);
            JobMonitorTelemetry.EndpointsRestarted.Add(1, new KeyValuePair<string, object?>("endpoint", queue));
            logger.LogWarning("Receive endpoint of {Queue} restarted", queue);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Receive endpoint of {Queue} could not be restarted; the watchdog tries again", queue);
        }
        finally
        {
            w.AloneSince = null;
            w.Restarting = false;
        }
    }

    /// <summary>
    /// Stops the endpoint. A stop waits for the deliveries under way; on a channel whose death went unheard, those can
    /// wait for ever (a publish waiting for a confirm that will not come). Past <see cref="EndpointWatchdogOptions.StopTimeout"/>
    /// the endpoint is stopped again: its transport is already stopping, so the second stop only lets go of the old
    /// transport and its stuck deliveries (the broker has put their messages back on the queue) for a new one.
    /// </summary>
    async Task StopAsync(string queue, IReceiveEndpoint endpoint, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(options.Value.StopTimeout);
        try
        {
            await endpoint.Stop(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Receive endpoint of {Queue} did not stop within {StopTimeout}; leaving its deliveries under way behind", queue, options.Value.StopTimeout);
            await endpoint.Stop(cancellationToken);
        }
    }
}

/// <summary>The endpoint watchdog (configuration section <c>Messaging:Watchdog</c>).</summary>
public sealed class EndpointWatchdogOptions
{
    public const string Section = "Messaging:Watchdog";

    /// <summary>How often the watchdog asks the broker about every queue this instance consumes.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a queue may have no consumer while the broker answers before its endpoint is restarted; longer than
    /// MassTransit's own reconnection after a broker restart takes when it works.
    /// </summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a restart waits for the endpoint's deliveries under way to end, and then for it to be ready again.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
